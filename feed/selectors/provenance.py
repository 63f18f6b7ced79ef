"""Provenance's resolvers (registered from `FeedConfig.ready()`): which posts did these jobs become?"""

from __future__ import annotations

from typing import Any

from feed.models import Post
from feed.selectors.visibility import visible_q
from provenance.registry import PostRef


def posts_for_jobs(*, job_ids: list[int], viewer: Any, staff: bool) -> dict[int, PostRef]:
    """Job id -> post, in one query: those `viewer` may see, or every one for staff."""
    posts = Post.objects.filter(generation_id__in=job_ids)
    if not staff:
        posts = posts.filter(visible_q(viewer))
    return {
        int(job_id): PostRef(post_id=pk, author_id=author_id, state=state, visibility=visibility)
        for pk, job_id, author_id, state, visibility in posts.values_list(
            "pk", "generation_id", "author_id", "state", "visibility"
        )
    }


def post_job(*, post_id: int) -> int | None:
    """The job a post published (None for seeded posts without one)."""
    job_id: int | None = Post.objects.filter(pk=post_id).values_list("generation_id", flat=True).first()
    return job_id
