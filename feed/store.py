"""Where materialised feeds live: Redis when `FEED_REDIS_URL` is set, tables otherwise.

For you: per member, a sorted set of post ids by rank (`feed:fy:{user}`), a
hash of reasons (`feed:fy:{user}:why`) and the ranking time
(`feed:fy:{user}:at`); user 0 is the shared fallback set. A refresh replaces
all three atomically (MULTI), so readers never see half a ranking.

Following: per member, a sorted set of post ids scored by id (ids are
time-ordered), trimmed to `FEED_FOLLOWING_CAP` on every push.

The read path calls only `for_you_page` (the page carries its ranking time)
and `following_page`: reads, never ranking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from feed.models import FollowingEntry, ForYouEntry, ForYouState
from sora_social.common.ids import new_ids
from sora_social.common.redis_config import redis_retry


@dataclass(frozen=True)
class Ranked:
    post_id: int
    score: float
    reason: str


@dataclass(frozen=True)
class Page:
    items: list[tuple[int, str]]  # (post id, reason), in rank order
    refreshed_at: dt.datetime


class FeedStore(Protocol):
    def for_you_replace(self, user_id: int, items: list[Ranked]) -> None: ...
    def for_you_page(self, user_id: int, offset: int, limit: int) -> Page | None: ...
    def for_you_drop(self, user_id: int, post_ids: list[int]) -> None: ...
    def following_push(self, user_ids: list[int], post_id: int) -> None: ...
    def following_page(self, user_id: int, before: int | None, limit: int) -> list[int] | None: ...
    def following_drop(self, user_id: int, post_ids: list[int]) -> None: ...


# One round trip for a For you page: the ranking time, a slice of the set and
# the slice's reasons (the script runs atomically, so all three agree).
_PAGE_SCRIPT = """
local at = redis.call('GET', KEYS[3])
if not at then return false end
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2])
local why = {}
if #ids > 0 then why = redis.call('HMGET', KEYS[2], unpack(ids)) end
return {at, ids, why}
"""


class RedisStore:
    def __init__(self, url: str) -> None:
        # Retried on a fresh connection after a Redis restart (see redis_retry).
        self.r = redis.Redis.from_url(url, retry=redis_retry())
        self._page = self.r.register_script(_PAGE_SCRIPT)

    def for_you_replace(self, user_id: int, items: list[Ranked]) -> None:
        key = f"feed:fy:{user_id}"
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(key, f"{key}:why")
        if items:
            # Rank, not score, orders the set: mixing reorders after scoring.
            pipe.zadd(key, {str(item.post_id): rank for rank, item in enumerate(items)})
            pipe.hset(f"{key}:why", mapping={str(item.post_id): item.reason for item in items})
        pipe.set(f"{key}:at", timezone.now().isoformat())
        pipe.execute()

    def for_you_page(self, user_id: int, offset: int, limit: int) -> Page | None:
        key = f"feed:fy:{user_id}"
        got = self._page(keys=[key, f"{key}:why", f"{key}:at"], args=[offset, offset + limit - 1])
        if not got:
            return None
        at, ids, reasons = got
        return Page(
            items=[(int(pid), (why or b"").decode()) for pid, why in zip(ids, reasons, strict=True)],
            refreshed_at=dt.datetime.fromisoformat(at.decode()),
        )

    def for_you_drop(self, user_id: int, post_ids: list[int]) -> None:
        if post_ids:
            self.r.zrem(f"feed:fy:{user_id}", *map(str, post_ids))

    def following_push(self, user_ids: list[int], post_id: int) -> None:
        cap = settings.FEED_FOLLOWING_CAP
        pipe = self.r.pipeline(transaction=False)
        for user_id in user_ids:
            key = f"feed:fl:{user_id}"
            pipe.zadd(key, {str(post_id): post_id})
            pipe.zremrangebyrank(key, 0, -cap - 1)
        pipe.execute()

    def following_page(self, user_id: int, before: int | None, limit: int) -> list[int] | None:
        key = f"feed:fl:{user_id}"
        top = f"({before}" if before else "+inf"
        # redis-py types every reply as a union; without scores this one is a list of members.
        ids = cast("list[bytes]", self.r.zrevrangebyscore(key, top, "-inf", start=0, num=limit))
        if not ids and not self.r.exists(key):
            return None
        return [int(pid) for pid in ids]

    def following_drop(self, user_id: int, post_ids: list[int]) -> None:
        if post_ids:
            self.r.zrem(f"feed:fl:{user_id}", *map(str, post_ids))


class TableStore:
    def for_you_replace(self, user_id: int, items: list[Ranked]) -> None:
        with transaction.atomic():
            ForYouEntry.objects.filter(user_id=user_id).delete()
            ids = new_ids(len(items))
            ForYouEntry.objects.bulk_create(
                ForYouEntry(
                    id=pk, user_id=user_id, post_id=i.post_id, position=n, score=i.score, reason=i.reason
                )
                for n, (pk, i) in enumerate(zip(ids, items, strict=True))
            )
            ForYouState.objects.update_or_create(user_id=user_id, defaults={"refreshed_at": timezone.now()})

    def for_you_page(self, user_id: int, offset: int, limit: int) -> Page | None:
        # One query: the state row tells "never ranked" apart from "ranked empty".
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.refreshed_at, e.post_id, e.reason FROM feed_for_you_state s "
                "LEFT JOIN feed_for_you_entry e ON e.user_id = s.user_id "
                "AND e.position >= %s AND e.position < %s "
                "WHERE s.user_id = %s ORDER BY e.position",
                [offset, offset + limit, user_id],
            )
            rows = cursor.fetchall()
        if not rows:
            return None
        return Page(
            items=[(post_id, reason) for _, post_id, reason in rows if post_id is not None],
            refreshed_at=rows[0][0],
        )

    def for_you_drop(self, user_id: int, post_ids: list[int]) -> None:
        ForYouEntry.objects.filter(user_id=user_id, post_id__in=post_ids).delete()

    def following_push(self, user_ids: list[int], post_id: int) -> None:
        ids = new_ids(len(user_ids))
        FollowingEntry.objects.bulk_create(
            [FollowingEntry(id=pk, user_id=u, post_id=post_id) for pk, u in zip(ids, user_ids, strict=True)],
            ignore_conflicts=True,
            batch_size=2000,
        )
        # Trim every touched list to the cap in one statement.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM feed_following_entry f USING ("
                "  SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY post_id DESC) n"
                "  FROM feed_following_entry WHERE user_id = ANY(%s)) ranked WHERE n > %s"
                ") old WHERE f.id = old.id",
                [list(user_ids), settings.FEED_FOLLOWING_CAP],
            )

    def following_page(self, user_id: int, before: int | None, limit: int) -> list[int] | None:
        qs = FollowingEntry.objects.filter(user_id=user_id)
        if before:
            qs = qs.filter(post_id__lt=before)
        ids = list(qs.order_by("-post_id").values_list("post_id", flat=True)[:limit])
        return ids if ids or before else (ids or None)

    def following_drop(self, user_id: int, post_ids: list[int]) -> None:
        FollowingEntry.objects.filter(user_id=user_id, post_id__in=post_ids).delete()


@lru_cache(maxsize=4)
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


def get_store() -> Any:
    """The configured store (read per call, so tests can switch with `settings`)."""
    url = settings.FEED_REDIS_URL
    return _redis_store(url) if url else TableStore()
