"""The measured inputs of docs/SCALING.md: Redis bytes per member's feed,
the fan-out write cost against a bare Redis pipeline, and PostgreSQL bytes per
row of the tables that grow with activity.

    make bench BENCH_ARGS=capacity

Redis: `REDIS_BENCH_URL` (default database 14 of the local Redis; flushed).
PostgreSQL: the bench database, topped up by `seed_demo` (idempotent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import time

import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from feed.store import Ranked, RedisStore

REASONS = [
    "Remixed 3 times today",
    "A remix in a thread you are part of",
    "From @maya_creates, whom you follow",
    "Matches what you asked to see more of",
    "New creator @lin_makes",
    "Inspiring people to create",
    "Fresh on Sora",
]
# Snowflake-sized post ids (the real ones are 64-bit, time-ordered).
ID_BASE = 7_300_000_000_000_000_000


def _redis_per_member(r: redis.Redis, store: RedisStore, members: int) -> dict[str, float]:
    r.flushdb()
    before = int(r.info("memory")["used_memory"])
    rng = random.Random(7)
    fy_max, fl_cap = settings.FEED_CANDIDATES_MAX, settings.FEED_FOLLOWING_CAP
    for user in range(1, members + 1):
        ids = rng.sample(range(ID_BASE, ID_BASE + 50_000_000), fy_max + fl_cap)
        store.for_you_replace(user, [Ranked(pid, 0.0, rng.choice(REASONS)) for pid in ids[:fy_max]])
        pipe = r.pipeline(transaction=False)
        pipe.zadd(f"feed:fl:{user}", {str(pid): pid for pid in ids[fy_max:]})
        pipe.execute()
    total = int(r.info("memory")["used_memory"]) - before
    keys = {
        "for_you": sum(int(r.memory_usage(f"feed:fy:{u}") or 0) for u in range(1, 51)) / 50,
        "reasons": sum(int(r.memory_usage(f"feed:fy:{u}:why") or 0) for u in range(1, 51)) / 50,
        "following": sum(int(r.memory_usage(f"feed:fl:{u}") or 0) for u in range(1, 51)) / 50,
    }
    r.flushdb()
    return {"per_member": total / members, **keys}


def _fanout(r: redis.Redis, store: RedisStore, followers: int, rounds: int) -> tuple[float, float]:
    """Seconds to push one post to `followers` Following lists: ours, then a bare ZADD pipeline."""
    users = list(range(1, followers + 1))
    ours, bare = [], []
    for n in range(rounds):
        post = ID_BASE + n
        started = time.perf_counter()
        store.following_push(users, post)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        pipe = r.pipeline(transaction=False)
        for user in users:
            pipe.zadd(f"bare:fl:{user}", {str(post): post})
        pipe.execute()
        bare.append(time.perf_counter() - started)
    r.flushdb()
    return statistics.median(ours), statistics.median(bare)


def _insert_bytes(n: int) -> list[tuple[str, int, float]]:
    """(table, rows inserted, bytes per row) for the rows every day of activity adds.

    Rows go in through the real models (bulk), so indexes and constraints are
    the production ones; the growth of table + indexes + TOAST is divided by
    the rows added, and the rows are deleted again.
    """
    from feed.models import Comment, Like, Post, View
    from sora_social.accounts.models import Follow, Notification, User

    users = list(User.objects.values_list("id", flat=True)[:1000])
    posts = list(Post.objects.values_list("id", flat=True)[:500])
    pairs = [(p, u) for p in posts for u in users][:n]
    today = dt.date.today()
    makers = {
        Like: lambda: [Like(post_id=p, user_id=u) for p, u in pairs],
        View: lambda: [View(post_id=p, viewer_id=u, day=today) for p, u in pairs],
        Comment: lambda: [
            Comment(post_id=p, author_id=u, text="So good, how did you get the light like that?")
            for p, u in pairs
        ],
        Follow: lambda: [Follow(follower_id=a, followee_id=b) for a, b in itertools.permutations(users, 2)][
            :n
        ],
        Notification: lambda: [
            Notification(user_id=u, kind="post.liked", payload={"post": p, "actor": u}) for p, u in pairs
        ],
    }
    out = []
    for model, make in makers.items():
        table = model._meta.db_table
        model.objects.filter(pk__in=[]).delete()
        with connection.cursor() as cur:
            cur.execute("SELECT pg_total_relation_size(%s)", [table])
            (before,) = cur.fetchone()
            rows = model.objects.bulk_create(make(), batch_size=2000, ignore_conflicts=True)
            cur.execute("SELECT pg_total_relation_size(%s)", [table])
            (after,) = cur.fetchone()
        out.append((table, len(rows), (after - before) / max(len(rows), 1)))
        model.objects.filter(pk__in=[r.pk for r in rows if r.pk]).delete()
    return out


def _table_bytes(min_rows: int) -> list[tuple[str, int, int]]:
    """(table, rows, bytes with indexes and TOAST) for every table of ours with enough rows to judge."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute(
            """
            SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.reltuples >= %s
              AND c.relname NOT LIKE 'django_%%' AND c.relname NOT LIKE 'auth_%%'
            ORDER BY c.relname
            """,
            [min_rows],
        )
        return [(name, int(rows), int(size)) for name, rows, size in cur.fetchall()]


def run(args: argparse.Namespace) -> str:
    url = os.environ.get("REDIS_BENCH_URL", "redis://127.0.0.1:6379/14")
    r = redis.Redis.from_url(url)
    store = RedisStore(url)
    members = 50 if args.quick else 400
    mem = _redis_per_member(r, store, members)
    followers = 2_000 if args.quick else 20_000
    ours, bare = _fanout(r, store, followers, rounds=3 if args.quick else 7)

    # Idempotent: tops the bench database up to this many members.
    call_command("seed_demo", users=100 if args.quick else 1000, quiet_logins=True, verbosity=0)
    tables = _table_bytes(min_rows=50 if args.quick else 500)
    grown = _insert_bytes(2_000 if args.quick else 20_000)

    lines = [
        "## Capacity inputs (`make bench BENCH_ARGS=capacity`)",
        "",
        "The measured figures `docs/SCALING.md` multiplies out.",
        "",
        f"**Redis per member's materialised feed** ({members} members, {settings.FEED_CANDIDATES_MAX} For you "
        f"items with reasons, {settings.FEED_FOLLOWING_CAP} Following items, 64-bit ids): "
        f"**{mem['per_member'] / 1024:.1f} KiB** of `used_memory` per member "
        f"(keys: For you {mem['for_you'] / 1024:.1f} KiB, reasons {mem['reasons'] / 1024:.1f} KiB, "
        f"Following {mem['following'] / 1024:.1f} KiB).",
        "",
        f"**Fan-out write** of one post to {followers:,} Following lists (ZADD + trim to the cap, one pipeline): "
        f"{ours * 1000:.1f} ms, {followers / ours:,.0f} lists/s; a bare ZADD-only pipeline to the same "
        f"number of keys: {bare * 1000:.1f} ms. **Ratio bare ÷ ours: {bare / ours:.2f}** "
        "(the trim is the second command per list).",
        "",
        "**PostgreSQL bytes per row** (table, indexes and TOAST; tables of the demo seed with enough rows):",
        "",
        "| table | rows | bytes per row |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{name}` | {rows:,} | {size / max(rows, 1):,.0f} |" for name, rows, size in tables]
    lines += [
        "",
        "**PostgreSQL bytes per row added by daily activity** (rows inserted through the models in bulk; "
        "growth of table, indexes and TOAST divided by the rows; then deleted):",
        "",
        "| table | rows inserted | bytes per row |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{name}` | {rows:,} | {per_row:,.0f} |" for name, rows, per_row in grown]
    load = os.getloadavg()[0]
    lines += ["", f"Machine load (1-minute average) at the end: {load:.1f} on {os.cpu_count()} cores."]
    return "\n".join(lines)
