"""Generations as moderation subjects: how the review queue shows a job and whom it concerns.

Registered as subject kind `generation` from `GenerationConfig.ready()`; the
prompt and frame verdicts of a job are stored against it, and a `review`
verdict opens a case the admin renders through this adapter.
"""

from __future__ import annotations

from django.core.files.storage import default_storage

from generation.models import GenerationJob
from moderation.registry import RowSubject, SubjectView


class GenerationSubjects(RowSubject):
    model = GenerationJob
    owner_field = "user_id"

    def _job(self, object_id: int) -> GenerationJob | None:
        return GenerationJob.objects.filter(pk=object_id).first()

    def visible_to(self, object_id: int, user: object) -> bool:
        # A job is its requester's private draft.
        user_id = getattr(user, "pk", None)
        return user_id is not None and GenerationJob.objects.filter(pk=object_id, user_id=user_id).exists()

    def reach(self, object_id: int) -> int:
        # A generation is a private draft until the feed publishes it as a post.
        return 1

    def render(self, object_id: int) -> SubjectView:
        job = self._job(object_id)
        if job is None:
            return SubjectView(title=f"deleted generation {object_id}")
        video = default_storage.url(job.video) if job.video and job.output_removed_at is None else None
        return SubjectView(
            title=f"generation {job.id} ({job.mode}, {job.state})",
            owner_id=job.user_id,
            text=job.prompt,
            video_url=video,
            admin_url=f"/admin/generation/generationjob/{job.id}/change/",
            extra={"cameos": [str(c) for c in job.cameo_ids], "blocked_reason": job.blocked_reason},
        )

    def lineage(self, object_id: int) -> list[SubjectView]:
        job = self._job(object_id)
        if job is None or not job.remix_of_post_id:
            return []
        return [SubjectView(title=job.remix_parent_title or f"post {job.remix_of_post_id}")]

    def credits(self, object_id: int) -> list[SubjectView]:
        job = self._job(object_id)
        return [SubjectView(title=f"cameo {c}") for c in (job.cameo_ids if job else [])]
