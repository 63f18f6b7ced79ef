"""How provenance learns which post an output became, without importing the feed.

Posts live in the feed, to the right of provenance. The feed registers one
resolver from its `AppConfig.ready()`:

    from provenance.registry import register_post_resolver
    register_post_resolver(resolve)   # resolve(*, job_ids, viewer, staff) -> {job_id: PostRef}

For a member (or anonymous) viewer it answers only the posts that viewer may
see (the feed's one visibility rule); with `staff=True` it answers every post
of those jobs, removed and hidden included. Jobs with no answer are drafts,
or posts the caller may not see; lookups never say which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PostRef:
    post_id: int
    author_id: int
    state: str
    visibility: str


Resolver = Callable[..., dict[int, PostRef]]
JobOfPost = Callable[..., int | None]
_resolver: Resolver | None = None
_job_of_post: JobOfPost | None = None


def register_post_resolver(resolver: Resolver | None, job_of_post: JobOfPost | None = None) -> None:
    """Install the feed's resolvers (jobs -> visible posts; a post -> its job); None removes them."""
    global _resolver, _job_of_post
    _resolver, _job_of_post = resolver, job_of_post


def job_of_post(*, post_id: int) -> int | None:
    return _job_of_post(post_id=post_id) if _job_of_post is not None else None


def posts_of_jobs(*, job_ids: list[int], viewer: object, staff: bool) -> dict[int, PostRef]:
    if _resolver is None or not job_ids:
        return {}
    return _resolver(job_ids=job_ids, viewer=viewer, staff=staff)
