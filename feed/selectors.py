"""Reads of the feed app; other apps read feed through here.

Posts on lists and feeds are cards from `feed.cards`: one prepared statement
a page, whatever its size, with visibility, the viewer's like and the cameo
credits in it. Lineage, remixes and comments build plain dicts from
`.values()` rows, visibility folded into the same query.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from feed import cards
from feed.models import Comment, Post, PostAudience, path_ids
from feed.states import PostState, Rating, Visibility
from feed.store import get_store
from sora_social.accounts.models import Follow
from sora_social.accounts.selectors import block_exists, teen_controls, user_get, user_is_teen
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import parse_id
from sora_social.common.media import media_url

PAGE_SIZE = 20
MAX_PAGE = 100


# --- visibility ------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who is asking, with what the visibility rules need (teen flag read without a query)."""

    id: int
    teen: bool = False

    @classmethod
    def of(cls, user: Any) -> Viewer:
        return cls(id=user.id, teen=user_is_teen(user=user))


def visible_q(viewer: Viewer, *, own: bool = True) -> Q:
    """Posts `viewer` may see, as one Q (EXISTS subqueries on indexed pairs).

    Others' posts: published, author active, no block either way, and public,
    followers (viewer follows the author) or chosen (viewer in the audience).
    Own posts also while hidden pending review. Teens never see mature posts.
    """
    follows = Exists(Follow.objects.filter(follower_id=viewer.id, followee_id=OuterRef("author_id")))
    chosen = Exists(PostAudience.objects.filter(post_id=OuterRef("pk"), user_id=viewer.id))
    others = (
        Q(state=PostState.PUBLISHED, author__is_active=True)
        & ~Q(author_id=viewer.id)
        & ~Q(block_exists(a=viewer.id, b=OuterRef("author_id")))
        & (
            Q(visibility=Visibility.PUBLIC)
            | (Q(visibility=Visibility.FOLLOWERS) & Q(follows))
            | (Q(visibility=Visibility.CHOSEN) & Q(chosen))
        )
    )
    q = others
    if own:
        q |= Q(author_id=viewer.id, state__in=[PostState.PUBLISHED, PostState.HIDDEN_PENDING_REVIEW])
    if viewer.teen:
        q &= ~Q(rating=Rating.MATURE)
    return q


def visible_posts(viewer: Viewer) -> QuerySet[Post]:
    return Post.objects.filter(visible_q(viewer))


def post_get(*, viewer: Viewer, post_id: object) -> Post:
    """A post the viewer may see; unknown, malformed, removed and invisible ids are all 404."""
    pk = parse_id(post_id)
    post = visible_posts(viewer).filter(pk=pk).first() if pk else None
    if post is None:
        raise NotFound("No such post.", code="post_not_found")
    return post


# --- cards ------------------------------------------------------------------------


def post_detail(*, viewer: Viewer, post_id: object) -> dict[str, Any]:
    pk = parse_id(post_id)
    found = cards.cards_by_ids(viewer_id=viewer.id, teen=viewer.teen, ids=[pk]) if pk else []
    if not found:
        raise NotFound("No such post.", code="post_not_found")
    return found[0]


def posts_by_ids(*, viewer: Viewer, ids: list[int], reasons: dict[int, str] | None = None) -> list[dict]:
    """Visible posts among `ids`, in the order given (filtered ones drop out)."""
    return cards.cards_by_ids(viewer_id=viewer.id, teen=viewer.teen, ids=ids, reasons=reasons)


# --- cursors ---------------------------------------------------------------------


def encode_cursor(value: str | int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed("Invalid cursor.", code="invalid_cursor") from None


def decode_int_cursor(raw: str | None) -> int | None:
    value = decode_cursor(raw)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 19:
        raise ValidationFailed("Invalid cursor.", code="invalid_cursor")
    return int(value)


def page_size(raw: Any) -> int:
    if raw is None:
        return PAGE_SIZE
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed("limit must be a number.", code="invalid_limit") from None
    return max(1, min(MAX_PAGE, value))


# --- lists -------------------------------------------------------------------------


def user_posts(*, viewer: Viewer, user_id: object, cursor: str | None, limit: int) -> dict[str, Any]:
    """A member's posts the viewer may see, newest first (private ones only to the author)."""
    author = user_get(user_id=user_id)
    if author.id != viewer.id and block_q_exists(viewer.id, author.id):
        raise NotFound("No such user.")
    rows = cards.author_cards(
        viewer_id=viewer.id,
        teen=viewer.teen,
        author_id=author.id,
        before=decode_int_cursor(cursor),
        limit=limit + 1,
    )
    return {
        "results": rows[:limit],
        "next": encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None,
    }


def block_q_exists(a: int, b: int) -> bool:
    from sora_social.accounts.selectors import blocked_either_way

    return blocked_either_way(a_id=a, b_id=b)


_LINK_FIELDS = ("id", "author_id", "author__username", "caption", "poster", "depth", "state", "created_at")


def _link(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "author": {"id": str(r["author_id"]), "username": r["author__username"]},
        "caption": r["caption"],
        "poster_url": media_url(r["poster"]),
        "depth": r["depth"],
        "created_at": r["created_at"],
    }


def lineage(*, viewer: Viewer, post_id: object) -> dict[str, Any]:
    """The post's ancestors the viewer may see, root first: one primary-key query.

    Removed and invisible ancestors are left out (rule 4); the depth of each
    item says where the gaps are.
    """
    post = post_get(viewer=viewer, post_id=post_id)
    ancestors = path_ids(post.path)[:-1]
    rows = (
        list(visible_posts(viewer).filter(pk__in=ancestors).order_by("depth").values(*_LINK_FIELDS))
        if ancestors
        else []
    )
    return {"post_id": str(post.id), "depth": post.depth, "results": [_link(r) for r in rows]}


def remixes(*, viewer: Viewer, post_id: object, cursor: str | None, limit: int) -> dict[str, Any]:
    """The post's remixes at any depth, in tree order: one range query on the path index."""
    post = post_get(viewer=viewer, post_id=post_id)
    after = decode_cursor(cursor)
    if after is not None and not after.startswith(post.path):
        raise ValidationFailed("Invalid cursor.", code="invalid_cursor")
    qs = visible_posts(viewer).filter(path__gt=after or post.path, path__lt=post.path + "{")
    rows = list(qs.order_by("path").values(*_LINK_FIELDS, "path", "parent_id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "post_id": str(post.id),
        "total": post.descendant_count,
        "results": [{**_link(r), "parent_id": str(r["parent_id"])} for r in rows],
        "next": encode_cursor(rows[-1]["path"]) if more else None,
    }


def comments(*, viewer: Viewer, post_id: object, cursor: str | None, limit: int) -> dict[str, Any]:
    """Visible comments, newest first, leaving out people blocked either way."""
    post = post_get(viewer=viewer, post_id=post_id)
    qs = Comment.objects.filter(post_id=post.id, state=Comment.State.VISIBLE).exclude(
        Q(block_exists(a=viewer.id, b=OuterRef("author_id")))
    )
    before = decode_int_cursor(cursor)
    if before:
        qs = qs.filter(pk__lt=before)
    rows = list(
        qs.order_by("-id").values("id", "author_id", "author__username", "text", "created_at")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "results": [
            {
                "id": str(r["id"]),
                "author": {"id": str(r["author_id"]), "username": r["author__username"]},
                "text": r["text"],
                "created_at": r["created_at"],
            }
            for r in rows
        ],
        "next": encode_cursor(rows[-1]["id"]) if more else None,
    }


# --- feeds ---------------------------------------------------------------------------


def _request_refresh(user_id: int) -> None:
    """Ask a feed worker to rank this member again (at most once a minute)."""
    if cache.add(f"feed:refresh-requested:{user_id}", 1, 60):
        from feed.tasks import refresh_for_you

        refresh_for_you.delay(user_id)


def for_you(*, user: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    """A page of the member's materialised For you set: reads only, no ranking.

    Never ranked yet, or personalisation off by a parent: the shared set
    (user 0). Stale: a refresh is requested and the current set served.
    """
    viewer = Viewer.of(user)
    offset = int(decode_int_cursor(cursor) or 0)

    def page(limit: int, personal: bool) -> tuple[list[dict[str, Any]], str | None]:
        store = get_store()
        got = store.for_you_page(user.id, offset, limit) if personal else None
        if personal and (
            got is None
            or (dt.datetime.now(dt.UTC) - got.refreshed_at).total_seconds() > settings.FEED_REFRESH_AFTER_S
        ):
            _request_refresh(user.id)
        if got is None:
            got = store.for_you_page(0, offset, limit)
        items = got.items if got else []
        results = posts_by_ids(viewer=viewer, ids=[pid for pid, _ in items], reasons=dict(items))
        return results, encode_cursor(offset + len(items)) if len(items) == limit else None

    return _budgeted(user, viewer, limit, page)


def _budgeted(user: Any, viewer: Viewer, limit: int, page: Any) -> dict[str, Any]:
    """Serve a page, within a teen's daily budget (reserved before, unused part given back)."""
    if not viewer.teen:
        results, next_cursor = page(limit, True)
        return {"results": results, "next": next_cursor}
    from feed import services

    controls = teen_controls(user_id=user.id)
    if controls is None:
        results, next_cursor = page(limit, True)
        return {"results": results, "next": next_cursor}
    granted = services.feed_budget_reserve(user_id=user.id, want=limit, budget=controls.daily_feed_budget)
    if granted <= 0:
        return {"results": [], "next": None, "budget_exhausted": True}
    results, next_cursor = page(granted, controls.personalization_enabled)
    if len(results) < granted:
        services.feed_budget_refund(user_id=user.id, count=granted - len(results))
    return {"results": results, "next": next_cursor, "budget_exhausted": False}


def _following_fallback(user_id: int, before: int | None, limit: int) -> list[int]:
    qs = Post.objects.filter(
        author_id__in=Follow.objects.filter(follower_id=user_id).values("followee_id"),
        state=PostState.PUBLISHED,
    )
    if before:
        qs = qs.filter(pk__lt=before)
    return list(qs.order_by("-id").values_list("id", flat=True)[:limit])


def following(*, user: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    """Followed accounts' posts, newest first: the fanned-out list, then the query past its cap."""
    viewer = Viewer.of(user)
    before = decode_int_cursor(cursor)

    def page(limit: int, personal: bool) -> tuple[list[dict[str, Any]], str | None]:
        ids = get_store().following_page(user.id, before, limit)
        if ids is None:
            ids = _following_fallback(user.id, before, limit)
        elif len(ids) < limit:
            # Past the capped list: older posts come from the query.
            ids += _following_fallback(user.id, ids[-1] if ids else before, limit - len(ids))
        results = cards.following_cards(viewer_id=viewer.id, teen=viewer.teen, ids=ids)
        for card in results:
            card["reason"] = f"From @{card['author']['username']}, whom you follow"
        return results, encode_cursor(ids[-1]) if len(ids) == limit else None

    return _budgeted(user, viewer, limit, page)


# --- for other apps --------------------------------------------------------------------


def remix_source(*, post_id: int, user: Any) -> Any:
    """generation's remix source resolver: what a remix of this post inherits, for this user."""
    from generation.remix import RemixSource

    post = Post.objects.filter(pk=post_id, state=PostState.PUBLISHED).first()
    if post is None:
        return None
    visible = visible_posts(Viewer.of(user)).filter(pk=post_id).exists()
    return RemixSource(
        post_id=post.id,
        video=post.video,
        title=post.caption or post.prompt[:200],
        visible=visible,
        allow_remix=post.allow_remix,
        cameo_ids=tuple(post.cameo_ids),
    )


def post_state(*, post_id: int) -> str | None:
    """A post's state (for moderation's subject registry and admin links)."""
    return Post.objects.filter(pk=post_id).values_list("state", flat=True).first()
