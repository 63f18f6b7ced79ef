"""Notifications at scale: one member with 100,000 notification groups among 1,000,000 events.

Measures, each as a median and p95 over repeats: a new event folding into an
open group and opening a new one (`notification_create`, each in a
transaction rolled back so every repeat sees the same tables), the first
page and a deep page of the grouped list (the selector and presenter, two
queries), the stored unread counter against a live count, and marking all
100,000 groups read (one statement, rolled back).

The data are generated with set-based SQL: 1,000 members each get 1,000
events in groups of ten (likes of 100 posts); the heavy member gets 100,000
single-event groups on top.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from sora_social.accounts.models import User
from sora_social.common.ids import new_id
from sora_social.notifications import presenters, selectors, services

PREFIX = "bn"


class _Rollback(Exception):
    pass


def _timed(fn: Callable[[], object], repeats: int, *, rollback: bool = False) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        if rollback:
            try:
                with transaction.atomic():
                    fn()
                    raise _Rollback
            except _Rollback:
                pass
        else:
            fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _members(count: int) -> list[int]:
    existing = list(
        User.objects.filter(username__startswith=PREFIX).order_by("id").values_list("id", flat=True)
    )
    if len(existing) >= count:
        return existing[:count]
    password = make_password(None)
    User.objects.bulk_create(
        User(
            id=new_id(), username=f"{PREFIX}{i:07d}", email=f"{PREFIX}{i}@bench.local", password=password,
            birthdate="1990-01-01", region="US", display_name=f"Bench {i}",
        )
        for i in range(len(existing), count)
    )  # fmt: skip
    return list(User.objects.filter(username__startswith=PREFIX).order_by("id").values_list("id", flat=True))


_GROUPS_SQL = """
INSERT INTO notifications_group
    (id, user_id, kind, key, target_type, target_id, count, actor_ids, payload, latest_id, latest_at, read_at)
SELECT %(base)s + u.n * 1000000 + g, u.id, %(kind)s, %(kind)s || ':post:' || g, 'post', g, %(size)s,
       ARRAY[%(actor)s::bigint], '{}'::jsonb, %(base)s + u.n * 1000000 + g, now(), NULL
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts_user WHERE id = ANY(%(users)s)) u,
     generate_series(1, %(groups)s) g
"""
_EVENTS_SQL = """
INSERT INTO notifications_notification (id, user_id, kind, actor_id, target_type, target_id, payload, group_id, created_at)
SELECT g.id * 16 + e, g.user_id, g.kind, %(actor)s, 'post', g.target_id, '{}'::jsonb, g.id, now()
FROM notifications_group g, generate_series(1, %(size)s) e
WHERE g.user_id = ANY(%(users)s) AND g.kind = %(kind)s
"""
_COUNTERS_SQL = """
INSERT INTO notifications_inbox (user_id, unread, muted)
SELECT user_id, count(*), '{}' FROM notifications_group WHERE user_id = ANY(%(users)s) GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET unread = EXCLUDED.unread
"""


def _generate(members: list[int], heavy: int, actor: int, *, per_member: int, heavy_groups: int) -> bool:
    """Generate the bench data unless this size is already there (a run of another size is cleared first)."""
    expected = heavy_groups + per_member // 10
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM notifications_group WHERE user_id = %s", [heavy])
        if cursor.fetchone()[0] == expected:
            return False
        for table in ("notifications_notification", "notifications_group", "notifications_inbox"):
            cursor.execute(
                f"DELETE FROM {table} WHERE user_id IN (SELECT id FROM accounts_user WHERE username LIKE %s)",
                [PREFIX + "%"],
            )
        base = 1 << 50
        common = {"actor": actor, "base": base}
        cursor.execute(
            _GROUPS_SQL, {**common, "users": members, "kind": "like", "size": 10, "groups": per_member // 10}
        )
        cursor.execute(_EVENTS_SQL, {**common, "users": members, "kind": "like", "size": 10})
        cursor.execute(
            _GROUPS_SQL,
            {
                **common,
                "base": base * 2,
                "users": [heavy],
                "kind": "comment",
                "size": 1,
                "groups": heavy_groups,
            },
        )
        cursor.execute(_EVENTS_SQL, {**common, "users": [heavy], "kind": "comment", "size": 1})
        cursor.execute(_COUNTERS_SQL, {"users": members})
        cursor.execute("ANALYZE notifications_group; ANALYZE notifications_notification")
    return True


def run(args: argparse.Namespace) -> str:
    quick = getattr(args, "quick", False)
    n_members, per_member, heavy_groups = (100, 100, 10_000) if quick else (1_000, 1_000, 100_000)
    repeats = 50 if quick else 200
    load_before = os.getloadavg()[0]
    members = _members(n_members + 1)
    actor, members = members[0], members[1:]
    heavy = members[0]
    started = time.perf_counter()
    generated = _generate(members, heavy, actor, per_member=per_member, heavy_groups=heavy_groups)
    generate_s = time.perf_counter() - started
    how = (
        f"{generate_s:.0f} s, set-based SQL" if generated else "reused from the previous run in this database"
    )
    events = n_members * per_member + heavy_groups

    def fold() -> None:
        services.notification_create(
            user_id=heavy, kind="like", payload={}, actor_id=actor, target_type="post", target_id=1
        )

    def open_new() -> None:
        services.notification_create(user_id=heavy, kind="invitee.suspended", payload={"user_id": "1"})

    def page(cursor: str | None) -> Callable[[], object]:
        def read() -> object:
            result = selectors.notification_groups_page(user_id=heavy, cursor=cursor, limit=20)
            return [presenters.group_out(g, result.actors) for g in result.groups]

        return read

    first = selectors.notification_groups_page(user_id=heavy, cursor=None, limit=20)
    cursor = first.next
    for _ in range(200):  # 4,000 groups deep
        cursor = selectors.notification_groups_page(user_id=heavy, cursor=cursor, limit=20).next

    def live_count() -> object:
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*) FROM notifications_group WHERE user_id = %s AND read_at IS NULL", [heavy]
            )
            return c.fetchone()

    rows = [
        (
            "`notification_create`, folding into an open group (5 statements)",
            _timed(fold, repeats, rollback=True),
        ),
        ("`notification_create`, opening a new group", _timed(open_new, repeats, rollback=True)),
        ("first page of the grouped list (20, two queries, presented)", _timed(page(None), repeats)),
        ("a page 4,000 groups deep", _timed(page(cursor), repeats)),
        ("unread: the stored counter", _timed(lambda: selectors.unread_count(user_id=heavy), repeats)),
        ("unread: live count of unread groups (baseline)", _timed(live_count, 20)),
        (
            f"mark all {heavy_groups + per_member // 10:,} groups read (one statement; median of 5)",
            _timed(lambda: services.notifications_mark_read(user_id=heavy), 5, rollback=True),
        ),
    ]
    lines = [
        "## Notifications (`bench/bench_notifications.py`)",
        "",
        f"Generated: **{events:,} events** for {n_members:,} members; the measured member has "
        f"**{heavy_groups + per_member // 10:,} unread groups** ({how}). "
        f"Median and p95 over {repeats} calls unless noted; writes rolled back.",
        "",
        "| operation | median | p95 |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {med:.2f} ms | {p95:.2f} ms |" for name, (med, p95) in rows]
    counter, live = rows[4][1][0], rows[5][1][0]
    lines += [
        "",
        f"The stored counter is **{live / counter:.0f}×** faster than counting the unread groups.",
        "",
        f"Machine load (1-minute load average) at the start {load_before:.1f}, at the end "
        f"{os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores.",
        f"Run at {timezone.now():%Y-%m-%d %H:%M} UTC.",
    ]
    return "\n".join(lines)
