"""Readiness of generation: which checks are wired at each point, and whether C2PA signing works."""

from __future__ import annotations

from generation import checks, provenance
from sora_social.common.health import DEGRADED, OK, Check


def checks_wired() -> Check:
    wired = checks.wired()
    missing = [point for point, steps in wired.items() if not steps]
    if missing:
        return Check(
            DEGRADED,
            f"no checks wired at: {', '.join(missing)}",
            extra={"steps": wired},
            required=False,
        )
    return Check(OK, "prompt, output and store checks wired", extra={"steps": wired}, required=False)


def signing() -> Check:
    material = provenance.signing_material()
    detail = "development chain under var/c2pa" if material.development else "configured chain"
    return Check(OK, detail, required=True)
