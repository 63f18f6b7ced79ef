"""Reads of generation jobs: a member's own jobs, a ready job's output, the media names of jobs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from generation.models import GenerationJob
from generation.states import JobState
from sora_social.accounts.models import User
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id

LIST_FIELDS = (
    "id",
    "mode",
    "state",
    "progress",
    "prompt",
    "style",
    "seed",
    "duration_s",
    "storyboard",
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


def job_get(*, user: User, job_id: Any) -> GenerationJob:
    """The member's own job; anyone else's, and malformed ids, are 404."""
    pk = parse_id(job_id)
    job = GenerationJob.objects.filter(pk=pk, user_id=user.id).first() if pk else None
    if job is None:
        raise NotFound("No such generation.")
    return job


def jobs_for_user(*, user: User) -> QuerySet[GenerationJob]:
    """The member's jobs, with the fields the API shows (the paginator orders them)."""
    return GenerationJob.objects.filter(user_id=user.id).only(*LIST_FIELDS)


@dataclass(frozen=True)
class JobOutput:
    """What another app needs of a ready job's output to publish it."""

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


def sql_tables() -> dict[str, str]:
    """The job table's name, for another app's hand-written SQL."""
    return {"job": GenerationJob._meta.db_table}


def job_media_names(*, job_ids: Iterable[int]) -> set[str]:
    """Every stored video and poster name of those jobs (empty names left out)."""
    names: set[str] = set()
    for video, poster in GenerationJob.objects.filter(pk__in=list(job_ids)).values_list("video", "poster"):
        names.update(name for name in (video, poster) if name)
    return names
