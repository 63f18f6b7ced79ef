"""Reads of policy rescans: the jobs a lost worker or message left unfinished."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from moderation.models import RescanJob


def unfinished_rescan_ids() -> list[int]:
    """Rescan jobs not done five minutes after they were created (the reconciler nudges them)."""
    stale = timezone.now() - timedelta(minutes=5)
    return list(
        RescanJob.objects.exclude(state=RescanJob.State.DONE)
        .filter(created_at__lt=stale)
        .values_list("id", flat=True)
    )
