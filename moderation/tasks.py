"""Celery tasks of the moderation app (queue "moderation"): thin, ids in, call a service."""

from __future__ import annotations

from celery import shared_task

from moderation.selectors import unfinished_rescan_ids
from moderation.services import rescan_run_batch
from sora_social.common.tasks import enqueue_on_commit


@shared_task(name="moderation.rescan_batch", ignore_result=True)
def rescan_batch(job_id: int) -> None:
    """One batch of a policy rescan; enqueues the next batch until the job is done."""
    if rescan_run_batch(job_id=job_id):
        enqueue_on_commit("moderation.rescan_batch", job_id=job_id)


@shared_task(name="moderation.rescan_reconcile", ignore_result=True)
def rescan_reconcile() -> None:
    """Beat: nudge rescans left unfinished by a lost worker or message."""
    for job_id in unfinished_rescan_ids():
        enqueue_on_commit("moderation.rescan_batch", job_id=job_id)
