"""The member's stored counters: followers, following, posts. Profiles read them; nothing counts live.

Every change is one set-based UPDATE adding deltas (never a recount), run in
the transaction of the change it counts, so a counter moves exactly when its
edge or post does. Rows are locked in id order first (`ORDER BY id FOR NO KEY
UPDATE`): A following B while B follows A touches the same two rows, and
taking them in one order means the two never wait on each other in a circle.

The lock is `FOR NO KEY UPDATE`, the lock the UPDATE itself takes, never `FOR
UPDATE`: a counter changes no key, and `FOR UPDATE` would also block the
foreign-key checks (`FOR KEY SHARE`, run at COMMIT since Django's foreign keys
are deferred) of every transaction that wrote a row pointing at the member.
A follow holds the followee's row and then bumps their notification inbox; a
like of the followee's post bumps the same inbox and then checks its
notification's key against the followee's row at COMMIT: with `FOR UPDATE` the
two waited on each other and PostgreSQL aborted one (`deadlock detected`, a 503
in the stack's soak).

`follow_counts_adjust` is called by the graph services (follow, unfollow,
block, deletion); `user_post_counts_adjust` by the feed app whenever posts
enter or leave the counted set (published, not a private draft): feed may
import accounts, never the reverse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection

from sora_social.accounts.models import User

_TABLE = User._meta.db_table

_ADJUST_SQL = f"""
WITH d AS (
    SELECT * FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[]) AS d(id, followers, following, posts)
), locked AS (
    SELECT u.id FROM {_TABLE} u WHERE u.id IN (SELECT id FROM d) ORDER BY u.id FOR NO KEY UPDATE
)
UPDATE {_TABLE} u SET
    follower_count = GREATEST(0, u.follower_count + d.followers),
    following_count = GREATEST(0, u.following_count + d.following),
    post_count = GREATEST(0, u.post_count + d.posts)
FROM d WHERE u.id = d.id AND u.id IN (SELECT id FROM locked)
"""  # noqa: S608


def _adjust(followers: Counter[int], following: Counter[int], posts: Counter[int]) -> None:
    ids = sorted(
        i for i in set(followers) | set(following) | set(posts) if followers[i] or following[i] or posts[i]
    )
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _ADJUST_SQL,
            [ids, [followers[i] for i in ids], [following[i] for i in ids], [posts[i] for i in ids]],
        )


def follow_counts_adjust(*, edges: Iterable[tuple[int, int]], delta: int) -> None:
    """Follow edges (follower, followee) that were created (`delta=+1`) or deleted (`-1`):
    the followees' follower counts and the followers' following counts move. One UPDATE."""
    followers: Counter[int] = Counter()
    following: Counter[int] = Counter()
    for follower, followee in edges:
        following[follower] += delta
        followers[followee] += delta
    _adjust(followers, following, Counter())


def user_post_counts_adjust(*, deltas: dict[int, int]) -> None:
    """Authors' post counts move by `deltas` (author id → change). One UPDATE (feed calls it)."""
    _adjust(Counter(), Counter(), Counter(deltas))
