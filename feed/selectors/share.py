"""The web pages' reads: a public post as everyone may see it, with its lineage (`/p/<id>`), and a
creator's public posts (`/u/<username>`).

Everyone means the strictest viewer (`Viewer.anonymous_teen()`): the page is
anonymous and cached by shared caches, so it shows only what is safe for
anybody: published, public, author active, not mature. Everything else
(unknown, malformed, non-public, removed, hidden, mature, a suspended or
deleted author) is the same `NotFound`, so the page leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from feed import cards
from feed.models import Post, path_ids
from feed.selectors.visibility import visible_posts
from feed.states import Visibility
from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_get_by_username
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id

# Remixes listed on the page, and posts on a creator's page (the app has the rest).
SHARE_REMIXES = 6
CREATOR_POSTS = 24
_LINK_FIELDS = ("id", "author__username", "caption", "depth")


@dataclass(frozen=True)
class SharedPost:
    """A post's card (as the anonymous viewer's), its raw media names, and its public lineage."""

    card: dict[str, Any]
    video: str
    poster: str
    ancestors: list[dict[str, Any]] = field(default_factory=list)
    remixes: list[dict[str, Any]] = field(default_factory=list)


def _not_found() -> NotFound:
    return NotFound("No such post.", code="post_not_found")


def share_post(*, post_id: object) -> SharedPost:
    """The public post `post_id` for its share page (four queries), or 404 `post_not_found`."""
    viewer = Viewer.anonymous_teen()
    pk = parse_id(post_id)
    if pk is None:
        raise _not_found()
    found = cards.cards_by_ids(viewer_id=viewer.id, teen=True, ids=[pk])
    if not found or found[0]["visibility"] != Visibility.PUBLIC:
        raise _not_found()
    media = Post.objects.filter(pk=pk).values("path", "video", "poster").first()
    if media is None:  # removed outright between the two reads
        raise _not_found()
    public = visible_posts(viewer).filter(visibility=Visibility.PUBLIC)
    path = media["path"]
    ancestors = list(public.filter(pk__in=path_ids(path)[:-1]).order_by("depth").values(*_LINK_FIELDS))
    remixes = list(
        public.filter(path__gt=path, path__lt=path + "{")
        .order_by("path")
        .values(*_LINK_FIELDS)[:SHARE_REMIXES]
    )
    return SharedPost(
        card=found[0], video=media["video"], poster=media["poster"], ancestors=ancestors, remixes=remixes
    )


def creator_posts(*, username: str) -> tuple[User, list[dict[str, Any]]]:
    """An active member and the cards of their newest public posts as everyone sees them (two queries).

    Unknown and inactive (suspended, banned, deleted) members are 404, like the API.
    """
    author = user_get_by_username(username=username)
    rows = cards.author_cards(viewer_id=0, teen=True, author_id=author.pk, before=None, limit=CREATOR_POSTS)
    return author, [c for c in rows if c["visibility"] == Visibility.PUBLIC]
