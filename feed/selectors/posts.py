"""Reads of posts: cards, a member's posts, lineage, remixes, comments; and reads for other apps.

Cards come from `feed.cards` (one prepared statement a page, visibility, the
viewer's like and the cameo credits in it). Lineage, remixes and comments are
`.values()` rows with visibility folded into the same query. Listings served
within a teen's budget are returned as `Pager`s (`selectors.pages`); the
budget is reserved by `services.serving.page_serve`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import OuterRef, Q

from feed import cards
from feed.models import Comment, Post, path_ids
from feed.presenters import link_out, remix_link_out
from feed.selectors.pages import Page, Pager
from feed.selectors.visibility import post_get, visible_posts
from feed.states import PostState
from generation.remix import RemixSource
from sora_social.accounts.models import User
from sora_social.accounts.selectors import block_exists, blocked_either_way, user_get
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id
from sora_social.common.pagination import decode_cursor, decode_int_cursor, encode_cursor, invalid_cursor

LINK_FIELDS = ("id", "author_id", "author__username", "caption", "poster", "depth", "state", "created_at")


def post_detail(*, viewer: Viewer, post_id: object) -> dict[str, Any]:
    """One post's card (404 when the viewer may not see it)."""
    pk = parse_id(post_id)
    found = cards.cards_by_ids(viewer_id=viewer.id, teen=viewer.is_teen, ids=[pk]) if pk else []
    if not found:
        raise NotFound("No such post.", code="post_not_found")
    return found[0]


def posts_by_ids(
    *, viewer: Viewer, ids: list[int], reasons: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """Visible posts among `ids`, in the order given (filtered ones drop out)."""
    return cards.cards_by_ids(viewer_id=viewer.id, teen=viewer.is_teen, ids=ids, reasons=reasons)


def user_posts(*, viewer: Viewer, user_id: object, cursor: str | None) -> Pager:
    """A member's posts the viewer may see, newest first (private ones only to the author)."""
    author = user_get(user_id=user_id)
    if author.id != viewer.id and blocked_either_way(a_id=viewer.id, b_id=author.id):
        raise NotFound("No such user.")
    before = decode_int_cursor(cursor, scope="feed.user_posts")

    def page(limit: int, personal: bool) -> Page:
        rows = cards.author_cards(
            viewer_id=viewer.id, teen=viewer.is_teen, author_id=author.id, before=before, limit=limit + 1
        )
        more = len(rows) > limit
        return Page(
            rows[:limit], encode_cursor(rows[limit - 1]["id"], scope="feed.user_posts") if more else None
        )

    return page


def lineage(*, viewer: Viewer, post_id: object) -> tuple[Post, list[int], Pager]:
    """The post, its ancestors' ids, and a pager of those the viewer may see, root first (one
    primary-key query). Removed and invisible ancestors are left out (rule 4); the depth of
    each item says where the gaps are."""
    post = post_get(viewer=viewer, post_id=post_id)
    ancestors = path_ids(post.path)[:-1]

    def page(limit: int, personal: bool) -> Page:
        qs = visible_posts(viewer).filter(pk__in=ancestors).order_by("depth").values(*LINK_FIELDS)
        return Page([link_out(r) for r in qs[:limit]])

    return post, ancestors, page


def remixes(*, viewer: Viewer, post_id: object, cursor: str | None) -> tuple[Post, Pager]:
    """The post and a pager of its remixes at any depth, in tree order: one range query on the path index."""
    post = post_get(viewer=viewer, post_id=post_id)
    after = decode_cursor(cursor, scope="feed.remixes")
    if after is not None and not after.startswith(post.path):
        raise invalid_cursor()
    qs = visible_posts(viewer).filter(path__gt=after or post.path, path__lt=post.path + "{")

    def page(limit: int, personal: bool) -> Page:
        rows = list(qs.order_by("path").values(*LINK_FIELDS, "path", "parent_id")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(
            [remix_link_out(r) for r in rows],
            encode_cursor(rows[-1]["path"], scope="feed.remixes") if more else None,
        )

    return post, page


def comments(
    *, viewer: Viewer, post_id: object, cursor: str | None, limit: int
) -> tuple[Sequence[Mapping[str, Any]], str | None]:
    """Visible comments (rows), newest first, leaving out people blocked either way; and the next cursor."""
    post = post_get(viewer=viewer, post_id=post_id)
    qs = Comment.objects.filter(post_id=post.id, state=Comment.State.VISIBLE).exclude(
        Q(block_exists(a=viewer.id, b=OuterRef("author_id")))
    )
    before = decode_int_cursor(cursor, scope="feed.comments")
    if before:
        qs = qs.filter(pk__lt=before)
    rows = list(
        qs.order_by("-id").values("id", "author_id", "author__username", "text", "created_at")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["id"], scope="feed.comments") if more else None


# --- for other apps --------------------------------------------------------------------


def remix_source(*, post_id: int, user: User) -> RemixSource | None:
    """generation's remix source resolver: what a remix of this post inherits, for this user."""
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
