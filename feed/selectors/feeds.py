"""Reads of the two feeds as `Pager`s: For you (the materialised ranked set) and Following.

Reading never ranks and never writes: a stale For you page says so
(`Page.stale`) and `services.serving.page_serve` asks a worker to rank again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef

from feed import cards
from feed.models import Post
from feed.selectors.pages import Page, Pager
from feed.selectors.posts import posts_by_ids
from feed.states import PostState
from feed.store import get_store
from sora_social.accounts.selectors import follow_exists
from sora_social.accounts.viewer import Viewer
from sora_social.common.pagination import decode_int_cursor, encode_cursor


def for_you(*, viewer: Viewer, cursor: str | None) -> Pager:
    """Pages of the member's materialised For you set: reads only, no ranking.

    Never ranked yet, or personalisation off by a parent: the shared set
    (user 0). Stale (or never ranked): the page says so, and is served from
    what there is.
    """
    offset = decode_int_cursor(cursor, scope="feed.for_you") or 0

    def page(limit: int, personal: bool) -> Page:
        store = get_store()
        got = store.for_you_page(viewer.id, offset, limit) if personal else None
        stale = personal and (
            got is None
            or (dt.datetime.now(dt.UTC) - got.refreshed_at).total_seconds() > settings.FEED_REFRESH_AFTER_S
        )
        if got is None:
            got = store.for_you_page(0, offset, limit)
        items = got.items if got else []
        results = posts_by_ids(viewer=viewer, ids=[pid for pid, _ in items], reasons=dict(items))
        more = len(items) == limit
        return Page(
            results, encode_cursor(offset + len(items), scope="feed.for_you") if more else None, stale
        )

    return page


def _following_fallback(user_id: int, before: int | None, limit: int) -> list[int]:
    qs = Post.objects.filter(
        follow_exists(follower=user_id, followee=OuterRef("author_id")), state=PostState.PUBLISHED
    )
    if before:
        qs = qs.filter(pk__lt=before)
    return list(qs.order_by("-id").values_list("id", flat=True)[:limit])


def following(*, viewer: Viewer, cursor: str | None) -> Pager:
    """Followed accounts' posts, newest first: the fanned-out list, then the query past its cap."""
    before = decode_int_cursor(cursor, scope="feed.following")

    def page(limit: int, personal: bool) -> Page:
        ids = get_store().following_page(viewer.id, before, limit)
        if ids is None:
            ids = _following_fallback(viewer.id, before, limit)
        elif len(ids) < limit:
            # Past the capped list: older posts come from the query.
            ids += _following_fallback(viewer.id, ids[-1] if ids else before, limit - len(ids))
        results = cards.following_cards(viewer_id=viewer.id, teen=viewer.is_teen, ids=ids)
        for card in results:
            card["reason"] = f"From @{card['author']['username']}, whom you follow"
        more = len(ids) == limit
        return Page(results, encode_cursor(ids[-1], scope="feed.following") if more else None)

    return page
