"""The deployment files keep their promises (deploy/README.md, docs/SCALING.md).

Nothing here needs a Docker daemon or a cluster: the Dockerfile is read, the
compose file resolved by the Compose CLI, the kustomize overlays rendered by
kubectl and validated against the Kubernetes schemas (deploy/check.py).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
REQS = ROOT / "deploy" / "requirements"
TARGETS = {"web": "web.txt", "worker": "worker.txt", "gpu-worker": "gpu-worker.txt"}
CUDA = re.compile(r"^(nvidia-|cuda-|triton$)")


def _check_module() -> Any:
    spec = importlib.util.spec_from_file_location("deploy_check", ROOT / "deploy" / "check.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _check_module()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def _stages() -> dict[str, list[str]]:
    """Each build stage's instructions (continuation lines joined), by stage name."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            words = line.split()
            name = words[-1] if len(words) >= 4 and words[-2].upper() == "AS" else f"stage{len(stages)}"
            current = stages.setdefault(name, [line])
        elif current:
            current.append(line)
    return stages


def _parents(stages: dict[str, list[str]], name: str) -> list[str]:
    chain = [name]
    while (base := stages[chain[-1]][0].split()[1]) in stages:
        chain.append(base)
    return chain


# --- the Dockerfile -----------------------------------------------------------


def test_dockerfile_has_three_non_root_targets_on_a_pinned_base():
    stages = _stages()
    assert set(TARGETS) <= set(stages)
    arg = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE.read_text(), re.M)
    assert arg
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", arg.group(1)), "base image pinned to a patch release"
    for target in TARGETS:
        users = [
            line
            for stage in _parents(stages, target)
            for line in stages[stage]
            if line.upper().startswith("USER ")
        ]
        assert users, f"{target} sets no USER"
        assert users[0].split()[1] not in {"root", "0", "0:0"}, f"{target} runs as root"


def test_every_file_the_dockerfile_copies_exists_and_is_not_ignored():
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for stage in _stages().values():
        for line in stage:
            if not line.upper().startswith("COPY ") or "--from=" in line:
                continue
            sources = [w for w in shlex.split(line)[1:-1] if not w.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
                assert source == "." or not any(
                    Path(source).match(p.lstrip("!")) for p in ignored if not p.startswith("!")
                ), f"COPY {source} is excluded by .dockerignore"


def test_the_image_keeps_every_app_and_drops_the_checkout():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert apps >= {"sora_social", "feed", "generation"}
    for needed in [*apps, "manage.py", "pyproject.toml"]:
        assert needed not in ignored, f"{needed} would be left out of the image"
    for left_out in (".git", ".venv", "var", "tests"):
        assert left_out in ignored


def test_each_target_installs_its_own_pinned_set():
    stages = _stages()
    for target, filename in TARGETS.items():
        lines = [line for stage in _parents(stages, target) for line in stages[stage]]
        # The deps stage a target copies its venv from names its requirement file.
        source = next(line.split("--from=")[1].split()[0] for line in lines if "--from=" in line)
        assert any(f"deploy/requirements/{filename}" in line for line in stages[source]), target
        assert any(
            re.search(r"pip install --no-deps .*-r /tmp/requirements.txt", line) for line in stages[source]
        ), target


# --- the requirement sets -------------------------------------------------------


def test_image_sets_agree_with_the_lock():
    lock = _pins(ROOT / "requirements.lock")
    for filename in TARGETS.values():
        for name, version in _pins(REQS / filename).items():
            assert lock.get(name) == version, f"{filename}: {name}=={version}, the lock has {lock.get(name)}"


def test_image_sets_hold_what_pyproject_asks_for():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(specs: list[str]) -> set[str]:
        return {re.split(r"[\[=<>!~ ;]", s, maxsplit=1)[0].lower() for s in specs}

    web, worker, gpu = (set(_pins(REQS / f)) for f in TARGETS.values())
    assert names(project["dependencies"]) <= web
    ml = names(project["optional-dependencies"]["ml"])
    assert ml <= gpu
    assert ml <= worker
    assert not ml & web, "the web image carries no model packages"
    assert not {n for n in worker if CUDA.match(n)}, "the CPU worker carries no CUDA packages"
    assert gpu - worker == {n for n in gpu if CUDA.match(n)}


def test_web_tier_imports_with_every_model_package_missing():
    """What only the worker images install is made unimportable; the web tier still loads."""
    web = set(_pins(REQS / "web.txt"))
    worker_only = set(_pins(REQS / "gpu-worker.txt")) - web
    dist_of = importlib.metadata.packages_distributions()
    blocked = sorted(
        module
        for module, dists in dist_of.items()
        if any(d.lower().replace("_", "-") in worker_only for d in dists) and module.isidentifier()
    )
    assert "torch" in blocked
    assert "transformers" in blocked
    code = (
        f"import sys\nfor m in {blocked!r}: sys.modules[m] = None\n"
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'sora_social.settings.test'\n"
        "import sora_social.asgi\nfrom django.urls import resolve\n"
        "for path in ('/api/v1/me', '/api/v1/feed', '/api/v1/generations', '/admin/'): resolve(path)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


# --- compose ----------------------------------------------------------------------

APP_SERVICES = {
    "migrate",
    "web",
    "worker-default",
    "worker-feed",
    "worker-moderation",
    "worker-media",
    "gpu-worker",
    "beat",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(check.compose_config())


def test_compose_brings_up_the_production_topology(compose):
    services = compose["services"]
    assert set(services) == APP_SERVICES | {"db", "redis", "minio", "minio-init"}
    assert services["db"]["image"].startswith("pgvector/pgvector:")
    for name in ("db", "redis", "minio", "web"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in APP_SERVICES - {"migrate"}:
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
        assert needs["db"]["condition"] == needs["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    devices = services["gpu-worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]
    queues = {
        name: services[name]["command"][services[name]["command"].index("-Q") + 1]
        for name in services
        if name.startswith(("worker-", "gpu-"))
    }
    assert sorted(queues.values()) == ["default", "feed", "gpu", "media", "moderation"]


def test_compose_takes_secrets_from_the_environment():
    text = (ROOT / "deploy" / "compose.yaml").read_text()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"):
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} must come from the environment"
    example = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "compose.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    del example["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [*check.compose_binary(), "-f", str(ROOT / "deploy" / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT / "deploy",
        env={"PATH": "/usr/bin:/bin", **example},
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# --- Kubernetes ---------------------------------------------------------------------

needs_kubectl = pytest.mark.skipif(
    not shutil.which("kubectl"), reason="kubectl renders the kustomize overlays"
)


@pytest.fixture(scope="module", params=[p.name for p in check.OVERLAYS])
def rendered(request) -> list[dict[str, Any]]:
    if not shutil.which("kubectl"):
        pytest.skip("kubectl renders the kustomize overlays")
    return list(check.render(ROOT / "deploy" / "k8s" / "overlays" / request.param))


def _by(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_overlays_validate_against_the_kubernetes_schemas(rendered):
    assert check.validation_errors(rendered) == []


@needs_kubectl
def test_the_validator_refuses_a_broken_manifest():
    docs = check.render(check.OVERLAYS[0])
    web = _by(docs, "Deployment")["web"]
    web["spec"]["replicas"] = "two"
    web["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGett"] = {}
    scaled = next(iter(_by(docs, "ScaledObject").values()))
    del scaled["spec"]["scaleTargetRef"]
    errors = check.validation_errors([web, scaled])
    assert len(errors) == 2, errors


def test_workloads_run_non_root_with_requests_and_probes(rendered):
    deployments = _by(rendered, "Deployment")
    assert set(deployments) == {
        "web",
        "beat",
        "worker-default",
        "worker-feed",
        "worker-moderation",
        "worker-media",
        "worker-gpu",
    }
    for name, dep in [*deployments.items(), *(("migrate", j) for j in _by(rendered, "Job").values())]:
        pod = dep["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert container["resources"]["requests"], name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["envFrom"][1]["secretRef"]["name"] == "sora-secrets", name
    web = deployments["web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    beat = deployments["beat"]["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"]["type"] == "Recreate"
    gpu = deployments["worker-gpu"]["spec"]["template"]["spec"]
    assert gpu["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert gpu["nodeSelector"]
    assert any(t["key"] == "nvidia.com/gpu" for t in gpu["tolerations"])


def test_each_queue_scales_on_its_own_redis_list(rendered):
    deployments = _by(rendered, "Deployment")
    scaled = _by(rendered, "ScaledObject")
    workers = {n for n in deployments if n.startswith("worker-")}
    assert {s["spec"]["scaleTargetRef"]["name"] for s in scaled.values()} == workers
    for s in scaled.values():
        command = deployments[s["spec"]["scaleTargetRef"]["name"]]["spec"]["template"]["spec"]["containers"][
            0
        ]["command"]
        (trigger,) = s["spec"]["triggers"]
        assert trigger["type"] == "redis"
        assert trigger["metadata"]["listName"] == command[command.index("-Q") + 1]


def test_the_rest_of_the_stack_is_there(rendered):
    kinds = {d["kind"] for d in rendered}
    assert {
        "Job",
        "Service",
        "Ingress",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "HorizontalPodAutoscaler",
    } <= kinds
    assert "Secret" not in kinds, (
        "secrets come from the environment (secret-from-env.sh), never the manifests"
    )
    assert _by(rendered, "PodDisruptionBudget")["web"]["spec"]["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": "web"
    }
    deny = _by(rendered, "NetworkPolicy")["default-deny"]["spec"]
    assert deny["podSelector"] == {}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "proxy-read-timeout" in str(_by(rendered, "Ingress")["web"]["metadata"]["annotations"])


@needs_kubectl
def test_secrets_are_built_from_the_environment():
    docs = check.secrets_from_env()
    assert {d["metadata"]["name"] for d in docs} == {"sora-secrets", "sora-c2pa"}
    assert check.validation_errors(docs) == []
    result = subprocess.run(
        [str(ROOT / "deploy" / "k8s" / "secret-from-env.sh"), "sora"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2
    assert "DJANGO_SECRET_KEY" in result.stderr
