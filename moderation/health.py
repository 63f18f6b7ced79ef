"""Readiness of the safety classifiers for /readyz, and the start-up warning."""

from __future__ import annotations

import logging

from django.conf import settings

from moderation.services import classifiers_ready
from sora_social.common.health import DEGRADED, DOWN, OK, Check

logger = logging.getLogger(__name__)


def classifiers_check() -> Check:
    ready, states = classifiers_ready()
    loaded = sorted(name for name, entry in states.items() if entry["state"] == "loaded")
    if ready:
        return Check(OK, f"loaded here: {', '.join(loaded)}", extra={"classifiers": states})
    missing = sorted(name for name, entry in states.items() if entry["state"] in ("missing", "failed"))
    detail = f"unavailable: {', '.join(missing)}"
    # Fail closed: without every configured classifier, generation refuses to run.
    state = DOWN if settings.SAFETY_FAIL_CLOSED else DEGRADED
    return Check(state, detail, extra={"classifiers": states})
