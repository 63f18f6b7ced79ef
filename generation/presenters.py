"""The one place generation shapes output: API bodies and WebSocket events, as plain dicts.

Pure functions of rows (no queries beyond the row's own fields):
`job_out` (the API shape of a job, for submit, list, read and cancel),
`upload_out` (the API shape of an uploaded still), and the WebSocket events
`job_progress_event`, `job_finished_event` and `upload_event`.
"""

from __future__ import annotations

from typing import Any

from generation.checks import RULE_VIOLATION
from generation.models import GenerationJob, ImageUpload
from generation.states import JobState
from sora_social.common.media import media_url


def job_out(job: GenerationJob) -> dict[str, Any]:
    """The API shape of a job (plain dict; the list endpoint builds the same)."""
    body: dict[str, Any] = {
        "id": str(job.id),
        "mode": job.mode,
        "state": job.state,
        "progress": job.progress,
        "prompt": job.prompt,
        "style": job.style,
        "seed": job.seed,
        "duration_s": job.duration_s,
        "storyboard": [{"prompt": s["prompt"], "duration_s": s["duration_s"]} for s in job.storyboard or []],
        "aspect": job.aspect,
        "width": job.width,
        "height": job.height,
        "fps": job.fps,
        "cameos": [str(c) for c in job.cameo_ids],
        "remix_of": str(job.remix_of_post_id) if job.remix_of_post_id else None,
        "image_upload_id": str(job.image_upload_id) if job.image_upload_id else None,
        "created_at": job.created_at,
        "state_changed_at": job.state_changed_at,
        "finished_at": job.finished_at,
        "video_url": None,
        "poster_url": None,
        "blocked_reason": None,
        "blocked_detail": None,
    }
    if job.output_removed_at is not None:
        body["blocked_reason"] = job.blocked_reason or "removed"
    elif job.state == JobState.READY and job.video:
        body["video_url"] = media_url(job.video)
        body["poster_url"] = media_url(job.poster)
    if job.state in (JobState.BLOCKED, JobState.CANCELLED) and job.blocked_reason:
        body["blocked_reason"] = job.blocked_reason
        if job.blocked_reason == RULE_VIOLATION:
            body["blocked_detail"] = _rule_detail(job.checks)
    return body


def _rule_detail(recorded: dict[str, Any]) -> dict[str, Any] | None:
    """The cameo and owner rule that refused a job, from its check records (scores left out)."""
    for stage in ("store", "approval", "prompt"):
        for record in (recorded.get(stage) or {}).values():
            if isinstance(record, dict) and record.get("reason") == RULE_VIOLATION:
                return {k: record.get(k) for k in ("cameo", "rule", "rule_text")}
    return None


def upload_out(upload: ImageUpload) -> dict[str, Any]:
    """The API shape of an uploaded still (its URL signed, short-lived)."""
    return {
        "id": str(upload.id),
        "content_type": upload.content_type,
        "width": upload.width,
        "height": upload.height,
        "size_bytes": upload.size_bytes,
        "url": media_url(upload.file),
        "state": upload.state,
    }


def job_progress_event(
    *, job_id: int, state: str, progress: float, shot: tuple[int, int] | None = None
) -> dict[str, Any]:
    """WebSocket `generation.progress`: sent on every move and every render progress report; while
    a storyboard renders, also `shot` (0-based) and `shots`."""
    event: dict[str, Any] = {
        "type": "generation.progress",
        "id": str(job_id),
        "state": state,
        "progress": progress,
    }
    if shot is not None:
        event["shot"], event["shots"] = shot
    return event


def job_finished_event(*, job_id: int, state: str, blocked_reason: str = "") -> dict[str, Any]:
    """WebSocket `generation.finished`: sent once, when a job reaches a terminal state."""
    payload: dict[str, Any] = {"type": "generation.finished", "id": str(job_id), "state": state}
    if blocked_reason:
        payload["blocked_reason"] = blocked_reason
    return payload


def upload_event(*, upload_id: int, state: str, reason: str = "") -> dict[str, Any]:
    """WebSocket `upload.ready` / `upload.rejected` (the latter with its reason)."""
    payload: dict[str, Any] = {"type": f"upload.{state}", "upload_id": str(upload_id)}
    if state == ImageUpload.State.REJECTED:
        payload["reason"] = reason
    return payload
