"""Factories for the feed: finished generations and posts published the way members publish."""

from __future__ import annotations

from typing import Any

from feed import services
from feed.models import Post
from tests.accounts.factories import UserFactory
from tests.generation.factories import GenerationJobFactory


def ready_job(
    user: Any, *, remix_of: Post | None = None, cameo_ids: list[int] | None = None, **kw: Any
) -> Any:
    return GenerationJobFactory(
        user=user,
        state="ready",
        mode="remix" if remix_of else "text",
        remix_of_post_id=remix_of.id if remix_of else None,
        cameo_ids=cameo_ids or [],
        video=f"generations/{user.username}.mp4",
        poster=f"generations/{user.username}.jpg",
        **kw,
    )


def publish(user: Any | None = None, *, remix_of: Post | None = None, **kw: Any) -> Post:
    """A post published through the service (lineage, counters, appearances, tasks)."""
    user = user or UserFactory()
    job_kw = {k: kw.pop(k) for k in ("cameo_ids", "style", "checks", "prompt") if k in kw}
    job = ready_job(user, remix_of=remix_of, **job_kw)
    return services.post_publish(author=user, generation_id=job.id, **kw)


def chain(length: int) -> list[Post]:
    """A remix chain: post 0 is the root, post i remixes post i-1 (each by a new member)."""
    posts = [publish()]
    for _ in range(length - 1):
        posts.append(publish(remix_of=posts[-1]))
    for post in posts:
        post.refresh_from_db()
    return posts


def for_you_first_pages(client: Any, viewer: Any, *, posts: int, limit: int) -> tuple[Any, Any]:
    """Publish `posts` posts, rank For you for `viewer`, and read its first page and the page after
    it (by the first page's cursor) through `client`."""
    for _ in range(posts):
        publish()
    services.for_you_refresh(user_id=viewer.id)
    first = client.get("/api/v1/feed", {"limit": limit}).json()
    second = client.get("/api/v1/feed", {"limit": limit, "cursor": first["next"]}).json()
    return first, second
