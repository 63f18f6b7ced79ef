"""Generation quotas: how much a member may start a day and run at once (teens less).

The daily quota is counted in units of `GENERATION_QUOTA_UNIT_S` seconds of video: a clip
costs ceil(seconds / unit) units (10 s: 1, 15 s: 2, 25 s: 3 by default), stored on the job
(`quota_cost`) when it is accepted."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from generation.models import GenerationJob
from generation.states import ACTIVE
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import RateLimited


def quota_limits(*, viewer: Viewer) -> tuple[int, int]:
    """(daily, concurrent) generations for this member."""
    if viewer.is_teen:
        return settings.GENERATION_DAILY_QUOTA_TEEN, settings.GENERATION_CONCURRENT_QUOTA_TEEN
    return settings.GENERATION_DAILY_QUOTA, settings.GENERATION_CONCURRENT_QUOTA


def quota_cost(duration_s: int) -> int:
    """Units of the daily quota a clip of `duration_s` seconds costs."""
    return max(1, math.ceil(duration_s / max(1, settings.GENERATION_QUOTA_UNIT_S)))


def quotas_check(*, viewer: Viewer, cost: int = 1) -> None:
    """429 with Retry-After when a quota would be overspent. Caller holds the member's row lock."""
    daily, concurrent = quota_limits(viewer=viewer)
    now = timezone.now()
    since = now - timedelta(days=1)
    # At most a day's quota of rows: the window's spend, oldest first.
    spent = list(
        GenerationJob.objects.filter(user_id=viewer.id, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", "quota_cost")
    )
    used = sum(c for _, c in spent)
    if used + cost > daily:
        # The window frees units as its oldest generations turn a day old.
        retry = 24 * 3600
        freed = 0
        for created_at, units in spent:
            freed += units
            if used - freed + cost <= daily:
                retry = int((created_at + timedelta(days=1) - now).total_seconds()) + 1
                break
        raise RateLimited(
            "Daily generation limit reached.",
            retry_after=retry,
            code="generation_daily_quota",
            details={"limit": daily, "used": used, "cost": cost},
        )
    running = GenerationJob.objects.filter(user_id=viewer.id, state__in=ACTIVE).count()
    if running >= concurrent:
        raise RateLimited(
            "Too many generations in progress; wait for one to finish.",
            retry_after=max(5, settings.GENERATION_DEFAULT_DURATION_S * 3),
            code="generation_concurrent_quota",
            details={"limit": concurrent},
        )
