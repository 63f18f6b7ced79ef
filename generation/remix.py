"""Remix sources: how generation learns about a post without importing the feed.

Posts live in the feed app, which sits to the right of generation. The feed
registers one resolver from its `AppConfig.ready()`:

    from generation.remix import RemixSource, register_source_resolver

    def resolve(*, post_id: int, user) -> RemixSource | None:
        ...  # None when the post does not exist or was removed

    register_source_resolver(resolve)

The resolver answers for one viewer: whether that user may see the post,
whether its author allows remixes, the storage name of its signed video (the
C2PA parent) and the cameo ids appearing in it (which the remix inherits, and
for which the remixer needs consent in turn).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sora_social.accounts.models import User
from sora_social.common.errors import Forbidden, NotFound


@dataclass(frozen=True)
class RemixSource:
    post_id: int
    video: str  # storage name of the source's signed MP4
    title: str
    visible: bool  # may this user see the post?
    allow_remix: bool
    cameo_ids: tuple[int, ...] = field(default_factory=tuple)


Resolver = Callable[..., RemixSource | None]
_resolver: Resolver | None = None


def register_source_resolver(resolver: Resolver | None) -> None:
    """Install the resolver (the feed does, at start-up); None removes it."""
    global _resolver
    _resolver = resolver


def resolve_source(*, post_id: int, user: User) -> RemixSource:
    """The source a user may remix, or the error to answer.

    Unknown, removed and invisible posts are all `remix_source_not_found`
    (404, so ids do not leak); with no resolver installed nothing is remixable.
    """
    source = _resolver(post_id=post_id, user=user) if _resolver is not None else None
    if source is None or not source.visible or not source.video:
        raise NotFound("No such post to remix.", code="remix_source_not_found")
    if not source.allow_remix:
        raise Forbidden("The author does not allow remixes of this post.", code="remix_not_allowed")
    return source
