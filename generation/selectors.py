"""Reads of the generation app; other apps read generation through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from generation.models import GenerationJob
from generation.states import JobState
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id
from sora_social.common.media import media_url

LIST_FIELDS = (
    "id",
    "mode",
    "state",
    "progress",
    "prompt",
    "style",
    "seed",
    "duration_s",
    "aspect",
    "width",
    "height",
    "fps",
    "cameo_ids",
    "remix_of_post_id",
    "image_upload_id",
    "blocked_reason",
    "video",
    "poster",
    "created_at",
    "state_changed_at",
    "finished_at",
    "output_removed_at",
)


def job_get(*, user: Any, job_id: Any) -> GenerationJob:
    """The member's own job; anyone else's, and malformed ids, are 404."""
    pk = parse_id(job_id)
    job = GenerationJob.objects.filter(pk=pk, user_id=user.id).first() if pk else None
    if job is None:
        raise NotFound("No such generation.")
    return job


def jobs_for_user(*, user: Any) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(user_id=user.id).only(*LIST_FIELDS)


def job_to_dict(job: GenerationJob) -> dict[str, Any]:
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


RULE_VIOLATION = "cameo_rule_violation"


def _rule_detail(recorded: dict[str, Any]) -> dict[str, Any] | None:
    """The cameo and owner rule that refused a job, from its check records (scores left out)."""
    for stage in ("store", "approval", "prompt"):
        for record in (recorded.get(stage) or {}).values():
            if isinstance(record, dict) and record.get("reason") == RULE_VIOLATION:
                return {k: record.get(k) for k in ("cameo", "rule", "rule_text")}
    return None


@dataclass(frozen=True)
class JobOutput:
    job_id: int
    user_id: int
    video: str
    poster: str
    cameo_ids: tuple[int, ...]
    remix_of_post_id: int | None
    embedding: list[float] | None
    embedding_model: str


def job_output(*, job_id: int) -> JobOutput | None:
    """A ready job's stored output, for the feed to publish as a post; None otherwise."""
    job = GenerationJob.objects.filter(pk=job_id, state=JobState.READY, output_removed_at=None).first()
    if job is None:
        return None
    return JobOutput(
        job_id=job.id,
        user_id=job.user_id,
        video=job.video,
        poster=job.poster,
        cameo_ids=tuple(job.cameo_ids),
        remix_of_post_id=job.remix_of_post_id,
        embedding=list(map(float, job.embedding)) if job.embedding is not None else None,
        embedding_model=job.embedding_model,
    )


def job_media_names(*, job_ids: Iterable[int]) -> set[str]:
    """Every stored video and poster name of those jobs (empty names left out)."""
    names: set[str] = set()
    for video, poster in GenerationJob.objects.filter(pk__in=list(job_ids)).values_list("video", "poster"):
        names.update(name for name in (video, poster) if name)
    return names
