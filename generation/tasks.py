"""Celery tasks of the generation app: ids in, call the pipeline. Queues follow the names.

`generation.advance` (media queue) runs the pre-GPU steps; `generation.gpu.render`
(gpu queue) renders, checks and finishes; `generation.reconcile` (beat) takes
back stuck jobs and re-sends stuck upload decodes; `generation.decode_upload`
(media queue) decodes an uploaded image within budget. A lost message costs time, never a job (the reconciler).
"""

from __future__ import annotations

from celery import shared_task

from generation import pipeline, services


@shared_task(name="generation.advance", ignore_result=True)
def advance_job(job_id: int) -> str:
    return pipeline.job_advance(job_id=job_id)


@shared_task(name="generation.gpu.render", ignore_result=True)
def render_job(job_id: int) -> str:
    return pipeline.job_render(job_id=job_id)


@shared_task(name="generation.decode_upload", ignore_result=True)
def decode_upload(upload_id: int) -> str | None:
    upload = services.upload_decode(upload_id=upload_id)
    return upload.state if upload else None


@shared_task(name="generation.reconcile", ignore_result=True)
def reconcile_jobs() -> dict[str, int]:
    counts = services.jobs_reconcile()
    counts.update({f"uploads_{k}": v for k, v in services.uploads_reconcile().items()})
    return counts
