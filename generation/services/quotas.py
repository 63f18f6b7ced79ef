"""Generation quotas: how many a member may start a day and run at once (teens fewer)."""

from __future__ import annotations

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


def quotas_check(*, viewer: Viewer) -> None:
    """429 with Retry-After when a quota is spent. Caller holds the member's row lock."""
    daily, concurrent = quota_limits(viewer=viewer)
    now = timezone.now()
    since = now - timedelta(days=1)
    today = GenerationJob.objects.filter(user_id=viewer.id, created_at__gte=since)
    used = today.count()
    if used >= daily:
        # The window frees a slot when the oldest generation in it turns a day old.
        oldest = today.order_by("created_at").values_list("created_at", flat=True)[used - daily]
        retry = int((oldest + timedelta(days=1) - now).total_seconds()) + 1
        raise RateLimited(
            "Daily generation limit reached.",
            retry_after=retry,
            code="generation_daily_quota",
            details={"limit": daily},
        )
    running = GenerationJob.objects.filter(user_id=viewer.id, state__in=ACTIVE).count()
    if running >= concurrent:
        raise RateLimited(
            "Too many generations in progress; wait for one to finish.",
            retry_after=max(5, settings.GENERATION_DEFAULT_DURATION_S * 3),
            code="generation_concurrent_quota",
            details={"limit": concurrent},
        )
