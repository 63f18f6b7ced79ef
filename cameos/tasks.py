"""Celery tasks of the cameos app (queue `media`): thin, ids in, call a service."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from cameos.services import cameo_mark_failed, cameo_process_recording, cameos_reconcile_processing


class _VerifyTask(Task):
    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
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
    cameo_process_recording(cameo_id=cameo_id)


@shared_task(name="cameos.reconcile_processing", ignore_result=True)
def reconcile_processing() -> dict[str, int]:
    """Re-send verification for cameos stuck in `processing` (a lost message or worker),
    up to CAMEOS_VERIFY_MAX_ATTEMPTS; past that the cameo is rejected as processing_failed."""
    return cameos_reconcile_processing()
