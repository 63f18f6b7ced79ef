"""Production refuses development settings, and local secrets are created safely."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RACE = """
import sys, time
from pathlib import Path
from sora_social.common.secret_file import read_or_create_secret
directory, start = Path(sys.argv[1]), float(sys.argv[2])
while time.time() < start:
    pass
for i in range(300):
    print(read_or_create_secret(directory / f"secret_key_{i}"))
"""


def test_a_key_written_between_check_and_create_wins(tmp_path, monkeypatch):
    """Another process that writes the key after our existence check and before ours lands keeps its key.

    The race is made to happen every time (the multi-process test below rarely
    hits the window): while this process makes its key, a rival writes the
    file. Check-then-write would overwrite the rival's key, so the two
    processes would sign with different keys.
    """
    from sora_social.common import secret_file

    path = tmp_path / "secret_key"
    real = secret_file.secrets.token_urlsafe

    def rival_writes_first(nbytes: int) -> str:
        path.write_text("the-rival-key")
        return real(nbytes)

    monkeypatch.setattr(secret_file.secrets, "token_urlsafe", rival_writes_first)
    assert secret_file.read_or_create_secret(path) == "the-rival-key"
    assert path.read_text() == "the-rival-key"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_racing_processes_end_with_one_secret_key(tmp_path):
    """Processes creating the same secret-key files at the same instants all read one key per file (0600)."""
    import time

    start = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(tmp_path), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = [proc.communicate(timeout=120)[0].split() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    for i in range(300):
        path = tmp_path / f"secret_key_{i}"
        assert {out[i] for out in outputs} == {path.read_text().strip()}, f"file {i} ended with two keys"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(outputs[0][0]) >= 50
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"secret_key_{i}" for i in range(300))


GOOD_KEY = "k3J9-vQ2xZ7_pLm4Rt8yWn1Hb6Gc5Fd0Se2Aq9Uo3Ij7Kl1Mn4Bv8Cx6Zz0Py5Tr2"


def _certificate(directory: Path, organization: str) -> tuple[str, str]:
    """A self-signed certificate and key (a stand-in for a chain from a trusted CA)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "chain.pem", directory / "signer.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def production_env(tmp_path):
    """A production environment (DATABASE_URL set) with every setting safe; tests spoil one."""
    cert, key = _certificate(tmp_path, "Example Trusted Signer")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "C2PA_", "SORA_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sora_social.settings.base",
        SORA_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL="postgres://sora:secret@127.0.0.1:9/sora",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="api.example.com",
        C2PA_SIGN_CERT=cert,
        C2PA_SIGN_KEY=key,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "manage.py", "check"], env)


def _lines_naming(output: str, variable: str) -> list[str]:
    return [line for line in output.splitlines() if variable in line]


@pytest.fixture
def production_settings(settings, tmp_path):
    """Settings as a safe production process has them, in this process (tests spoil one)."""
    cert, key = _certificate(tmp_path, "Example Trusted Signer")
    settings.DATABASE_URL = "postgres://sora:secret@db.internal/sora"
    settings.SECRET_KEY_SOURCE = "env"
    settings.SECRET_KEY = GOOD_KEY
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.DEBUG = False
    settings.C2PA_SIGN_CERT, settings.C2PA_SIGN_KEY = cert, key
    return settings


def _problems() -> list[str]:
    from sora_social.common.checks import production_problems

    return [message for _id, message in production_problems()]


def test_safe_production_settings_have_no_problems(production_settings):
    """A real key, named hosts and a configured C2PA chain pass; outside production nothing is checked."""
    assert _problems() == []
    production_settings.DATABASE_URL = None
    production_settings.ALLOWED_HOSTS = ["*"]
    assert _problems() == []


@pytest.mark.parametrize(
    ("spoil", "variable", "words"),
    [
        ({"SECRET_KEY_SOURCE": "/srv/var/secret_key"}, "DJANGO_SECRET_KEY", "is unset"),
        ({"SECRET_KEY": "change-me-to-50-random-characters"}, "DJANGO_SECRET_KEY", "example value"),
        ({"SECRET_KEY": "short-key"}, "DJANGO_SECRET_KEY", "too weak"),
        ({"SECRET_KEY": "a" * 60}, "DJANGO_SECRET_KEY", "too weak"),
        ({"ALLOWED_HOSTS": ["api.example.com", "*"]}, "DJANGO_ALLOWED_HOSTS", "'*'"),
        ({"DEBUG": True}, "DJANGO_DEBUG", "is true"),
        ({"C2PA_SIGN_CERT": None}, "C2PA_SIGN_CERT", "development C2PA chain"),
        ({"C2PA_SIGN_KEY": None}, "C2PA_SIGN_KEY", "is unset"),
        ({"C2PA_SIGN_CERT": "/nonexistent/chain.pem"}, "C2PA_SIGN_CERT", "cannot be read"),
    ],
)
def test_each_unsafe_production_setting_is_one_line_naming_it(production_settings, spoil, variable, words):
    """Each unsafe production setting gives exactly one problem line, which names its variable."""
    for name, value in spoil.items():
        setattr(production_settings, name, value)
    [line] = _problems()
    assert line.startswith(variable)
    assert words in line


def test_the_development_c2pa_chain_is_refused(production_settings, tmp_path):
    """A C2PA_SIGN_CERT pointing at the generated development chain is refused like an unset one."""
    from generation.provenance import generate_development_chain

    generate_development_chain(tmp_path / "c2pa")
    production_settings.C2PA_SIGN_CERT = str(tmp_path / "c2pa" / "chain.pem")
    production_settings.C2PA_SIGN_KEY = str(tmp_path / "c2pa" / "signer.key")
    [line] = _problems()
    assert "is the development C2PA chain" in line


def test_manage_py_check_refuses_unsafe_production_settings(production_env):
    """`manage.py check` in production exits 1 with one line per unsafe variable."""
    production_env.pop("DJANGO_SECRET_KEY")
    production_env["DJANGO_ALLOWED_HOSTS"] = "*"
    production_env.pop("C2PA_SIGN_CERT")
    result = _check(production_env)
    assert result.returncode == 1
    for variable in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "C2PA_SIGN_CERT"):
        assert len(_lines_naming(result.stderr, f") {variable} ")) == 1, result.stderr


def test_web_and_worker_processes_refuse_to_start(production_env):
    """`serve`, the ASGI module (as uvicorn loads it) and a Celery worker stop with the one line."""
    production_env["DJANGO_ALLOWED_HOSTS"] = "*"
    serve = _run([sys.executable, "manage.py", "serve", "--port", "1"], production_env)
    assert serve.returncode == 1
    assert len(_lines_naming(serve.stderr, "DJANGO_ALLOWED_HOSTS")) == 1
    assert "starting on" not in serve.stdout

    web = _run([sys.executable, "-c", "import sora_social.asgi"], production_env)
    assert web.returncode == 2
    assert web.stderr.strip().splitlines() == [
        "Refusing to start web: DJANGO_ALLOWED_HOSTS is '*': list the host names this server answers to."
    ]

    worker = _run(
        [sys.executable, "-m", "celery", "-A", "sora_social", "worker", "--pool", "solo", "-Q", "default"],
        production_env,
    )
    assert worker.returncode == 2
    assert len(_lines_naming(worker.stderr, "Refusing to start worker: DJANGO_ALLOWED_HOSTS")) == 1


SHOW_SECURITY = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, list(s.SECURE_PROXY_SSL_HEADER or [])]))"
)


def test_https_settings_default_safe_in_production_and_come_from_the_environment(production_env):
    """In production cookies are secure, HTTP redirects and HSTS is on; each is set from the environment."""
    import json

    defaults = _run([sys.executable, "-c", SHOW_SECURITY], production_env)
    assert json.loads(defaults.stdout) == [True, True, True, 31_536_000, []], defaults.stderr
    production_env.update(
        SECURE_HSTS_SECONDS="600",
        SECURE_SSL_REDIRECT="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto=https",
    )
    configured = _run([sys.executable, "-c", SHOW_SECURITY], production_env)
    assert json.loads(configured.stdout) == [True, False, False, 600, ["HTTP_X_FORWARDED_PROTO", "https"]]
