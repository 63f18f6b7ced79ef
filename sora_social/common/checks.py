"""Refusals to run production with development settings.

Production is any process with `DATABASE_URL` set. Each problem is one line
that names the variable to fix. They are Django system checks (level Error),
so `manage.py check`, `serve` and `migrate` stop on them, and the ASGI module
and the Celery worker/beat start-up call `refuse_unsafe_start`, so
`uvicorn sora_social.asgi:application` and `celery … worker` stop too.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.checks import Error, register

# The placeholder in deploy/env.example: copied into production more often than one would hope.
EXAMPLE_SECRET_KEYS = frozenset({"change-me-to-50-random-characters"})
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def production_problems() -> list[tuple[str, str]]:
    """(check id, one line naming the variable) for each unsafe production setting; [] outside production."""
    if not settings.DATABASE_URL:
        return []
    problems: list[tuple[str, str]] = []
    key = settings.SECRET_KEY or ""
    if getattr(settings, "SECRET_KEY_SOURCE", "env") != "env":
        problems.append(
            (
                "sora.E001",
                "DJANGO_SECRET_KEY is unset: production needs one shared key of at least "
                f"{SECRET_KEY_MIN_LENGTH} random characters, not a key generated per host.",
            )
        )
    elif key in EXAMPLE_SECRET_KEYS:
        problems.append(
            (
                "sora.E002",
                "DJANGO_SECRET_KEY is the example value from deploy/env.example; generate a real one.",
            )
        )
    elif len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        problems.append(
            (
                "sora.E003",
                f"DJANGO_SECRET_KEY is too weak ({len(key)} characters, {len(set(key))} distinct); "
                f"use at least {SECRET_KEY_MIN_LENGTH} random characters.",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            ("sora.E004", "DJANGO_ALLOWED_HOSTS is '*': list the host names this server answers to.")
        )
    if settings.DEBUG:
        problems.append(("sora.E005", "DJANGO_DEBUG is true: tracebacks would reach clients; unset it."))
    problems.extend(_c2pa_problems())
    return problems


def _c2pa_problems() -> list[tuple[str, str]]:
    cert, key = settings.C2PA_SIGN_CERT, settings.C2PA_SIGN_KEY
    if not cert:
        return [
            (
                "sora.E006",
                "C2PA_SIGN_CERT is unset: videos would be signed with the development C2PA chain; "
                "configure a chain from a CA on the C2PA trust list.",
            )
        ]
    if not key:
        return [("sora.E007", "C2PA_SIGN_KEY is unset: the C2PA signing certificate needs its private key.")]
    try:
        development = _is_development_chain(Path(cert).read_bytes())
    except OSError as exc:
        return [("sora.E008", f"C2PA_SIGN_CERT={cert} cannot be read ({exc.strerror}).")]
    except ValueError:
        return [("sora.E008", f"C2PA_SIGN_CERT={cert} holds no PEM certificate.")]
    if development:
        return [
            (
                "sora.E009",
                f"C2PA_SIGN_CERT={cert} is the development C2PA chain; configure a chain from a CA "
                "on the C2PA trust list.",
            )
        ]
    return []


def _is_development_chain(pem: bytes) -> bool:
    """True for the chain `generation.provenance.generate_development_chain` writes."""
    for cert in x509.load_pem_x509_certificates(pem):
        for name in (cert.subject, cert.issuer):
            for attr in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME):
                if "(development)" in str(attr.value):
                    return True
    return False


@register()
def production_settings_check(app_configs: object = None, **kwargs: object) -> list[Error]:
    return [Error(message, id=check_id) for check_id, message in production_problems()]


def refuse_unsafe_start(process: str) -> None:
    """Stop this process with one line per problem when production settings are unsafe."""
    problems = production_problems()
    if not problems:
        return
    for _check_id, message in problems:
        sys.stderr.write(f"Refusing to start {process}: {message}\n")
    sys.stderr.flush()
    raise SystemExit(2)
