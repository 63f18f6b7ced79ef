"""Stored counters that follow the published set: authors' post counts and hashtags' post counts.

A post counts for its author while it is published and not a private draft,
and for each hashtag of its caption while it is published and public. Every
state move that takes posts into or out of the published set calls
`post_counters_adjust` with the posts it really moved (the UPDATEs of
`removal` return them), in the same transaction: one SELECT of the posts'
authors, visibility and tags, then one UPDATE for the authors (the accounts
service, rows locked in id order) and one for the tags. Never a recount.
"""

from __future__ import annotations

import re
from collections import Counter

from django.db import connection

from feed.models import Hashtag, PostHashtag
from feed.states import Visibility
from sora_social.accounts.services import user_post_counts_adjust
from sora_social.common.ids import new_ids

HASHTAG = re.compile(r"#(\w{1,40})")
MAX_TAGS = 30


def hashtags_of(caption: str) -> list[str]:
    """The caption's hashtags, lower case, each once, in order of first use (at most MAX_TAGS)."""
    seen: dict[str, None] = {}
    for tag in HASHTAG.findall(caption or ""):
        seen.setdefault(tag.lower(), None)
    return list(seen)[:MAX_TAGS]


def post_hashtags_link(*, post_id: int, caption: str) -> list[int]:
    """Link a new post to its caption's hashtags (creating tags never seen), counts untouched:
    they move when the post enters the published set. Returns the tag ids."""
    names = hashtags_of(caption)
    if not names:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Hashtag._meta.db_table} (id, name, post_count, created_at)"  # noqa: S608
            " SELECT i, n, 0, now() FROM unnest(%s::bigint[], %s::text[]) AS t(i, n)"
            " ON CONFLICT (name) DO NOTHING",
            [new_ids(len(names)), names],
        )
    tag_ids = list(Hashtag.objects.filter(name__in=names).values_list("id", flat=True))
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(id=i, post_id=post_id, hashtag_id=t)
            for i, t in zip(new_ids(len(tag_ids)), tag_ids, strict=True)
        ]
    )
    return tag_ids


def post_counters_adjust(*, post_ids: list[int], delta: int) -> None:
    """`post_ids` just entered (`delta=+1`) or left (`-1`) the published set: move their authors'
    and hashtags' stored counts. Three statements whatever the number of posts."""
    if not post_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.author_id, p.visibility,"
            " array_remove(array_agg(ph.hashtag_id), NULL) FROM feed_post p"
            " LEFT JOIN feed_post_hashtag ph ON ph.post_id = p.id WHERE p.id = ANY(%s) GROUP BY p.id",
            [sorted(set(post_ids))],
        )
        rows = cursor.fetchall()
    authors: Counter[int] = Counter()
    tags: Counter[int] = Counter()
    for author_id, visibility, tag_ids in rows:
        if visibility != Visibility.PRIVATE:
            authors[author_id] += delta
        if visibility == Visibility.PUBLIC:
            for tag_id in tag_ids:
                tags[tag_id] += delta
    user_post_counts_adjust(deltas=dict(authors))
    _tags_adjust(tags)


def _tags_adjust(tags: Counter[int]) -> None:
    ids = sorted(t for t, n in tags.items() if n)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Hashtag._meta.db_table} h SET post_count = GREATEST(0, h.post_count + d.n)"  # noqa: S608
            " FROM unnest(%s::bigint[], %s::int[]) AS d(id, n) WHERE h.id = d.id",
            [ids, [tags[i] for i in ids]],
        )
