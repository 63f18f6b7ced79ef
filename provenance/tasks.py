"""Provenance tasks (media worker): ids in, a service does the work."""

from __future__ import annotations

from celery import shared_task

from provenance import services


@shared_task(
    name="provenance.hash_output",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def hash_output(job_id: int) -> None:
    """Hash a ready job's stored output and match it against the banks."""
    services.output_hash(job_id=job_id)


@shared_task(
    name="provenance.hash_recording",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def hash_recording(cameo_id: int) -> None:
    """Hash a verified cameo's enrolment recording and match it against the banks."""
    services.recording_hash(cameo_id=cameo_id)


@shared_task(name="provenance.bank_removed", ignore_result=True)
def bank_removed(kind: str, object_id: int, category: str) -> None:
    """Add a removed item's hashes to the auto-filled banks of its category."""
    services.banks_add_removed(kind=kind, object_id=object_id, category=category)
