"""Post cards: posts on lists and feeds, from one prepared statement (shaped by `presenters.card_out`).

A feed page is the app's hottest read. Its posts, authors, the remix label's
parent and parent author, the viewer's like, the cameo credits and the
visibility rules are one hand-written SQL statement per variant, prepared on
each pooled connection (`sora_social.common.db.prepared_cursor`), so a page
costs one query with no ORM compilation and no planning.

`visible_sql()` must say exactly what `feed.selectors.visible_q` says; a test
compares the two over every combination of state, visibility, follow, block,
audience, rating, author activity and ownership.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from cameos import selectors as cameos_selectors
from feed.models import Like, Post, PostAudience
from feed.presenters import card_out
from feed.states import PostState, Rating, Visibility
from sora_social.accounts import selectors as accounts_selectors
from sora_social.common.db import prepared_cursor

# Others' posts: published, author active, no block either way, and public,
# followers (the viewer follows the author) or chosen (the viewer is in the
# audience). Own posts also while hidden pending review (unless `own` is off).
# Teens never see mature posts. Aliases: p = the post, a = its author.
_OTHERS_SQL = f"""(
    p.state = '{PostState.PUBLISHED}' AND a.is_active AND p.author_id <> %(viewer)s
    AND NOT EXISTS (
        SELECT 1 FROM {{block}} b
        WHERE (b.blocker_id = %(viewer)s AND b.blocked_id = p.author_id)
           OR (b.blocker_id = p.author_id AND b.blocked_id = %(viewer)s))
    AND (p.visibility = '{Visibility.PUBLIC}'
         OR (p.visibility = '{Visibility.FOLLOWERS}' AND EXISTS (
             SELECT 1 FROM {{follow}} f WHERE f.follower_id = %(viewer)s AND f.followee_id = p.author_id))
         OR (p.visibility = '{Visibility.CHOSEN}' AND EXISTS (
             SELECT 1 FROM {{audience}} pa WHERE pa.post_id = p.id AND pa.user_id = %(viewer)s))))"""
_OWN_SQL = f"""(p.author_id = %(viewer)s
    AND p.state IN ('{PostState.PUBLISHED}', '{PostState.HIDDEN_PENDING_REVIEW}'))"""
_TEEN_SQL = f"NOT (%(teen)s AND p.rating = '{Rating.MATURE}')"


def visible_sql(*, own: bool = True) -> str:
    """The visibility rule as a SQL condition on `p` (post) and `a` (author), with table names filled in."""
    others = _OTHERS_SQL.format(**_tables())
    return f"({others} OR {_OWN_SQL}) AND {_TEEN_SQL}" if own else f"{others} AND {_TEEN_SQL}"


@cache
def _tables() -> dict[str, str]:
    return {
        "post": Post._meta.db_table,
        "like": Like._meta.db_table,
        "audience": PostAudience._meta.db_table,
        **accounts_selectors.sql_tables(),  # user, follow, block
        **cameos_selectors.sql_tables(),  # cameo
    }


# Column order of every card row; `presenters.card_out` reads them by position.
_COLUMNS = """
    p.id, p.author_id, a.username, a.display_name, p.caption, p.topic, p.video, p.poster,
    p.visibility, p.allow_remix, p.rating, p.state, p.parent_id, {parent_visible}, pa.id, pa.username,
    p.root_id, p.depth, p.like_count, p.comment_count, p.view_count, p.remix_count,
    p.descendant_count, p.created_at,
    EXISTS (SELECT 1 FROM {like} l WHERE l.post_id = p.id AND l.user_id = %(viewer)s),
    CASE WHEN cardinality(p.cameo_ids) > 0 THEN (
        SELECT json_agg(json_build_object('id', c.id::text, 'owner_id', c.owner_id::text, 'owner', cu.username)
                        ORDER BY k.n)::text
        FROM unnest(p.cameo_ids) WITH ORDINALITY k(id, n)
        JOIN {cameo} c ON c.id = k.id JOIN {user} cu ON cu.id = c.owner_id
        WHERE NOT EXISTS (SELECT 1 FROM {block} cb
            WHERE (cb.blocker_id = %(viewer)s AND cb.blocked_id = c.owner_id)
               OR (cb.blocker_id = c.owner_id AND cb.blocked_id = %(viewer)s))) END"""
# The parent's author joins only when no block stands between them and the
# viewer, and while their account exists: a blocked or deleted member's name
# (and their post's id) never reach the card.
_JOINS = """
    JOIN {user} a ON a.id = p.author_id
    LEFT JOIN {post} pp ON pp.id = p.parent_id
    LEFT JOIN {user} pa ON pa.id = pp.author_id AND pa.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM {block} pb
        WHERE (pb.blocker_id = %(viewer)s AND pb.blocked_id = pp.author_id)
           OR (pb.blocker_id = pp.author_id AND pb.blocked_id = %(viewer)s))"""


def _parent_visible_sql() -> str:
    """Whether the viewer may see the remix's parent (`pp`, author `pa`): the same rule, on the parent.

    Only then does the card link the parent's id; a parent the viewer may not
    see (not public to them, removed, mature for a teen, blocked) stays unnamed
    by id, so the card does not leak it.
    """
    rule = re.sub(r"\bp\.", "pp.", visible_sql())
    return "COALESCE(" + re.sub(r"\ba\.", "pa.", rule) + ", false)"


@cache
def _sql(variant: str) -> str:
    t = _tables()
    columns, joins = _COLUMNS.format(**t, parent_visible=_parent_visible_sql()), _JOINS.format(**t)
    by_ids = (
        f"SELECT {columns} FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY w(id, n)"
        f" JOIN {t['post']} p ON p.id = w.id {joins} WHERE"
    )
    if variant == "ids":
        # In the order of the ids given; invisible ones drop out.
        return f"{by_ids} {visible_sql()} ORDER BY w.n"
    if variant == "following":
        # Others' posts only, and only while the viewer still follows the author.
        return (
            f"{by_ids} {visible_sql(own=False)} AND EXISTS (SELECT 1 FROM {t['follow']} ff"
            f"  WHERE ff.follower_id = %(viewer)s AND ff.followee_id = p.author_id) ORDER BY w.n"
        )
    if variant == "author":
        # One member's posts, newest first, below a cursor id.
        return (
            f"SELECT {columns} FROM {t['post']} p {joins}"
            f" WHERE p.author_id = %(author)s AND p.id < %(before)s AND {visible_sql()}"
            f" ORDER BY p.id DESC LIMIT %(limit)s"
        )
    raise ValueError(variant)


def _fetch(variant: str, params: dict[str, Any], reasons: dict[int, str] | None) -> list[dict[str, Any]]:
    with prepared_cursor(binary=True) as cur:
        cur.execute(_sql(variant), params)
        rows = cur.fetchall()
    return [card_out(r, reasons) for r in rows]


def _bigint_array(ids: list[int]) -> str:
    """The ids as a PostgreSQL array literal, cast by the statement: psycopg adapts a Python list
    element by element (40 µs for a page), a literal in 3."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def _among(
    query: str, *, viewer_id: int, teen: bool, ids: Iterable[int], reasons: dict[int, str] | None
) -> list[dict[str, Any]]:
    """The cards `query` picks among the posts `ids` (no ids: no query)."""
    ids = list(ids)
    if not ids:
        return []
    return _fetch(query, {"viewer": viewer_id, "teen": teen, "ids": _bigint_array(ids)}, reasons)


def cards_by_ids(
    *, viewer_id: int, teen: bool, ids: Iterable[int], reasons: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """Cards of the visible posts among `ids`, in the order given: one query."""
    return _among("ids", viewer_id=viewer_id, teen=teen, ids=ids, reasons=reasons)


def following_cards(
    *, viewer_id: int, teen: bool, ids: Iterable[int], reasons: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """Cards of others' visible posts among `ids` whose authors the viewer follows: one query."""
    return _among("following", viewer_id=viewer_id, teen=teen, ids=ids, reasons=reasons)


def author_cards(*, viewer_id: int, teen: bool, author_id: int, before: int | None, limit: int) -> list[dict]:
    """Up to `limit` cards of one member's visible posts below id `before`, newest first: one query."""
    params = {"viewer": viewer_id, "teen": teen, "author": author_id, "before": before or (1 << 63) - 1}
    return _fetch("author", {**params, "limit": limit}, None)
