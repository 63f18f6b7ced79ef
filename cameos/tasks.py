"""Celery tasks of the cameos app (queue `media`): thin, ids in, call a service."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task


class _VerifyTask(Task):
    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
        from cameos.services import cameo_mark_failed

        cameo_mark_failed(cameo_id=args[0] if args else kwargs["cameo_id"])


@shared_task(
    name="cameos.verify_recording",
    base=_VerifyTask,
    bind=True,
    ignore_result=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
)
def verify_recording(self: Task, cameo_id: int) -> None:
    """Judge an enrolment recording; a no-op unless the cameo is still processing."""
    from cameos.services import cameo_process_recording

    cameo_process_recording(cameo_id=cameo_id)


@shared_task(name="cameos.reconcile_processing", ignore_result=True)
def reconcile_processing() -> int:
    """Re-send verification for cameos stuck in `processing` (a lost message or worker)."""
    from cameos.selectors import cameos_stuck_processing

    ids = list(cameos_stuck_processing())
    for cameo_id in ids:
        verify_recording.delay(cameo_id)
    return len(ids)
