"""Celery tasks of the moderation app (queue "moderation"): thin, ids in, call a service."""

from __future__ import annotations

from celery import shared_task

from sora_social.common.tasks import enqueue_on_commit


@shared_task(name="moderation.rescan_batch", ignore_result=True, max_retries=5, default_retry_delay=5)
def rescan_batch(job_id: int) -> None:
    """One batch of a policy rescan; enqueues the next batch until the job is done."""
    from moderation.services import rescan_run_batch

    if rescan_run_batch(job_id=job_id):
        enqueue_on_commit("moderation.rescan_batch", job_id=job_id)


@shared_task(name="moderation.rescan_reconcile", ignore_result=True)
def rescan_reconcile() -> None:
    """Beat: nudge rescans left unfinished by a lost worker or message."""
    from moderation.selectors import unfinished_rescan_ids

    for job_id in unfinished_rescan_ids():
        rescan_batch.delay(job_id)
