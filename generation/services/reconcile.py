"""The reconciler: jobs nobody worked on for a while are nudged again or taken back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from generation.models import GenerationJob
from generation.services.transitions import job_transition
from generation.states import ACTIVE, WAITING_FOR_PERSON, JobState
from sora_social.common.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)


def _take_back(job: GenerationJob, counts: dict[str, int]) -> None:
    """A job whose worker vanished mid-render: back to `waiting_for_gpu`, or `failed` when out of attempts."""
    if job.attempts >= settings.GENERATION_MAX_ATTEMPTS:
        job_transition(
            job_id=job.id,
            to=JobState.FAILED,
            error=f"worker lost in {job.state}; no attempts left",
            expect={job.state},
        )
        counts["failed"] += 1
        return
    job_transition(
        job_id=job.id,
        to=JobState.WAITING_FOR_GPU,
        error=f"worker lost in {job.state}",
        expect={job.state},
    )
    enqueue_on_commit("generation.gpu.render", job_id=job.id)
    counts["taken_back"] += 1


def jobs_reconcile(*, now: datetime | None = None, batch: int = 200) -> dict[str, int]:
    """Take back jobs nobody has worked on for GENERATION_STUCK_AFTER_S and nudge them again.

    Queued and prompt-checking jobs and jobs waiting for a GPU lost only their
    message: it is sent again. Jobs whose worker vanished mid-render (their
    frames were in its memory) go back to `waiting_for_gpu` with the error
    recorded, or to `failed` after GENERATION_MAX_ATTEMPTS. Rows are claimed
    with SKIP LOCKED, so two reconcilers never act on one job.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.GENERATION_STUCK_AFTER_S)
    counts = {"renudged": 0, "taken_back": 0, "failed": 0}
    with transaction.atomic():
        stuck = list(
            GenerationJob.objects.select_for_update(skip_locked=True)
            .filter(state__in=ACTIVE - WAITING_FOR_PERSON, heartbeat_at__lt=cutoff)
            .order_by("heartbeat_at")[:batch]
        )
        for job in stuck:
            if job.state in (JobState.QUEUED, JobState.CHECKING_PROMPT):
                GenerationJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
                enqueue_on_commit("generation.advance", job_id=job.id)
                counts["renudged"] += 1
            elif job.state == JobState.WAITING_FOR_GPU:
                GenerationJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
                enqueue_on_commit("generation.gpu.render", job_id=job.id)
                counts["renudged"] += 1
            else:
                _take_back(job, counts)
    if any(counts.values()):
        logger.warning("generation reconciler: %s", counts)
    return counts
