"""The invite tree at scale: a generated tree of ≥1,000,000 members, depth ≥ 20.

Measures, each as a median over repeats: ancestors of deep members, the first
page of descendants, subtree size (stored counter against a live count), and
suspending a ~100,000-member subtree with the set-based service against a
per-row loop measured in the same run (sampled, scaled). Writes run inside a
transaction that is rolled back, so every repeat sees the same tree.

The tree is generated with set-based SQL (INSERT … SELECT over
generate_series, one statement per level), not Python loops: levels 0-7 are a
full 4-ary tree, and each deeper level gives four invitees to the first
parents in depth-first order, capped per level, down to depth 24.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sora_social.accounts import selectors, services
from sora_social.accounts.models import User
from sora_social.accounts.models.users import root_path

PREFIX = "bt"  # usernames of generated members


class _Rollback(Exception):
    pass


def _median_ms(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0]


# The columns every generated member fills the same way, and their values.
_COMMON = (
    "password, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined, "
    "display_name, bio, is_teen, region, invite_children_seq, invitees_total, can_invite, reports_received, "
    "token_version"
)
_VALUES = "'!', false, '', '', '', false, true, now(), '', '', false, 'US', 0, 0, true, 0, 0"


def _insert_children(cursor: Any, *, root_id: int, depth: int, parents: str, params: list[object]) -> int:
    """Give four invitees at `depth` to each parent `p` that `parents` picks (a WHERE … ORDER BY tail
    over `p` and the child number `g`, filled by `params`); returns how many were inserted."""
    cursor.execute(
        f"""
        INSERT INTO accounts_user (id, username, inviter_id, invite_root_id, invite_depth, invite_path, {_COMMON})
        SELECT n.id, %s || n.id, n.pid, %s, %s, n.ppath || n.g || '.', {_VALUES}
        FROM (
            SELECT nextval('bench_invite_ids') AS id, c.pid, c.ppath, c.g FROM (
                SELECT p.id AS pid, p.invite_path AS ppath, g
                FROM accounts_user p CROSS JOIN generate_series(1, 4) AS g
                WHERE {parents}
            ) c
        ) n
        """,
        [PREFIX, root_id, depth, *params],
    )
    return int(cursor.rowcount)


def _generate(depth: int, full_levels: int, cap: int, branch: int) -> int:
    """Build the tree with one INSERT … SELECT per level; return the member count."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE username LIKE %s", [PREFIX + "%"])
        (existing,) = cursor.fetchone()
        expected = sum(min(4**d, cap) if d > full_levels else 4**d for d in range(depth + 1)) + branch
        if existing == expected:
            return -existing  # reused: negative marks "not generated in this run"
        generated = "(SELECT id FROM accounts_user WHERE username LIKE %s)"
        for table, column in [
            ("accounts_invitecode", "owner_id"),
            ("accounts_accountaction", "target_id"),
            ("accounts_notification", "user_id"),
        ]:
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN {generated}", [PREFIX + "%"])
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE %s", [PREFIX + "%"])
        cursor.execute("DROP SEQUENCE IF EXISTS bench_invite_ids")
        cursor.execute("CREATE SEQUENCE bench_invite_ids START 4000000000000000000")
        cursor.execute("SELECT nextval('bench_invite_ids')")
        (root_id,) = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO accounts_user (id, username, invite_depth, invite_path, {_COMMON}) "
            f"VALUES (%s, %s, 0, %s, {_VALUES})",
            [root_id, f"{PREFIX}{root_id}", root_path(root_id)],
        )
        for level in range(1, depth + 1):
            limit = "" if level <= full_levels else f"LIMIT {cap}"
            added = _insert_children(
                cursor,
                root_id=root_id,
                depth=level,
                parents="p.invite_depth = %s AND p.invite_root_id IS NOT DISTINCT FROM %s AND p.username LIKE %s "
                f"ORDER BY p.invite_path, g {limit}",
                params=[level - 1, None if level == 1 else root_id, PREFIX + "%"],
            )
            print(f"   level {level}: {added:,} members", flush=True)
        # The subtree to suspend: exactly `branch` members under a leaf at depth 12,
        # a 4-ary tree filled level by level.
        cursor.execute(
            "SELECT p.id, p.invite_path, p.invite_depth FROM accounts_user p WHERE p.username LIKE %s "
            "AND p.invite_depth = 12 AND NOT EXISTS (SELECT 1 FROM accounts_user c WHERE c.inviter_id = p.id) "
            "ORDER BY p.invite_path LIMIT 1",
            [PREFIX + "%"],
        )
        b_id, b_path, b_depth = cursor.fetchone()
        cursor.execute("UPDATE accounts_user SET display_name = 'bench-branch' WHERE id = %s", [b_id])
        remaining, level = branch, 1
        while remaining > 0:
            remaining -= _insert_children(
                cursor,
                root_id=root_id,
                depth=b_depth + level,
                parents="p.invite_path >= %s AND p.invite_path < %s AND p.invite_depth = %s "
                "ORDER BY p.invite_path, g LIMIT %s",
                params=[b_path, b_path + "{", b_depth + level - 1, remaining],
            )
            level += 1
        print(f"   branch of {branch:,} under a depth-{b_depth} leaf, {level - 1} levels", flush=True)
        cursor.execute(
            "UPDATE accounts_user p SET invite_children_seq = s.n FROM "
            "(SELECT inviter_id, count(*) AS n FROM accounts_user WHERE username LIKE %s GROUP BY inviter_id) s "
            "WHERE p.id = s.inviter_id",
            [PREFIX + "%"],
        )
    services.invite_counters_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_user")
        cursor.execute("SELECT count(*) FROM accounts_user WHERE username LIKE %s", [PREFIX + "%"])
        return cursor.fetchone()[0]


def _plan(sql_fn: Callable[[], object]) -> str:
    """The top plan nodes PostgreSQL chose for the query the callable runs."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        sql_fn()
    sql = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        lines = [row[0].strip() for row in cursor.fetchall()]
    # The scan of the outer table is what decides the cost: show how it is reached.
    keep = [
        line.lstrip("-> ").split("  (cost")[0]
        for line in lines
        if "invite_path_unique" in line or "Seq Scan" in line or "inviter_id" in line
    ]
    return "; ".join(keep) or lines[0]


def run(args: argparse.Namespace) -> str:
    quick = getattr(args, "quick", False)
    depth, full_levels, cap = (20, 5, 4_000) if quick else (24, 7, 58_000)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    branch = 10_000 if quick else 100_000
    total = _generate(depth, full_levels, cap, branch)
    generate_s = time.perf_counter() - started
    how = (
        f"set-based SQL, one INSERT … SELECT per level; {generate_s:.0f} s including counters and ANALYZE"
        if total > 0
        else "set-based SQL, one INSERT … SELECT per level; reused from the previous run in this database"
    )
    total = abs(total)
    rng = random.Random(7)
    repeats = 50 if quick else 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM accounts_user WHERE username LIKE %s AND invite_depth >= %s",
            [PREFIX + "%", depth - 4],
        )
        deep = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM accounts_user WHERE username LIKE %s AND invitees_total >= 20",
            [PREFIX + "%"],
        )
        inner = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT id, invitees_total FROM accounts_user WHERE username LIKE %s AND display_name = 'bench-branch'",
            [PREFIX + "%"],
        )
        big_id, big_size = cursor.fetchone()
        assert big_size == branch, (big_size, branch)
        cursor.execute("SELECT max(invite_depth) FROM accounts_user WHERE username LIKE %s", [PREFIX + "%"])
        (max_depth,) = cursor.fetchone()

    anc_ms, anc_p95 = _median_ms(lambda: selectors.invite_ancestors(user_id=rng.choice(deep)), repeats)
    anc_len = len(selectors.invite_ancestors(user_id=deep[0]))
    desc_ms, desc_p95 = _median_ms(
        lambda: selectors.invite_descendants(user_id=rng.choice(inner), limit=20), repeats
    )
    big_desc_ms, _ = _median_ms(lambda: selectors.invite_descendants(user_id=big_id, limit=20), repeats)
    size_ms, _ = _median_ms(lambda: selectors.invite_subtree_size(user_id=big_id), repeats)
    big = User.objects.get(pk=big_id)
    live_ms, _ = _median_ms(lambda: User.objects.filter(selectors.subtree_filter(big.invite_path)).count(), 5)
    plan_anc = _plan(lambda: selectors.invite_ancestors(user_id=deep[0]))
    plan_desc = _plan(lambda: selectors.invite_descendants(user_id=big_id, limit=20))

    def suspend_set_based() -> float:
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                action = services.subtree_suspend(root=big, actor=None, reason="bench")
                elapsed = time.perf_counter() - t0
                assert action.affected == big_size, (action.affected, big_size)
                raise _Rollback
        except _Rollback:
            pass
        return elapsed

    suspend_runs = sorted(suspend_set_based() for _ in range(3))
    suspend_s = statistics.median(suspend_runs)

    # Baseline: the per-row loop (one UPDATE per member, the least a loop can do),
    # on a sample of the same subtree, scaled to its size.
    sample_n = 500 if quick else 2_000
    sample_ids = list(
        User.objects.filter(selectors.subtree_filter(big.invite_path)).values_list("pk", flat=True)[:sample_n]
    )

    def suspend_loop() -> float:
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                now = timezone.now()
                for pk in sample_ids:
                    User.objects.filter(pk=pk, suspended_at__isnull=True).update(
                        is_active=False, suspended_at=now
                    )
                elapsed = time.perf_counter() - t0
                raise _Rollback
        except _Rollback:
            pass
        return elapsed * (big_size / len(sample_ids))

    loop_s = statistics.median(sorted(suspend_loop() for _ in range(3)))

    dry_ms, _ = _median_ms(
        lambda: services.subtree_suspend(root=big, actor=None, reason="bench", dry_run=True), 3
    )

    return "\n".join(
        [
            "## Invite tree (`bench/bench_invites.py`)",
            "",
            f"Generated tree: **{total:,} members**, max depth **{max_depth}** "
            f"({how}). "
            f"Medians over {repeats} calls on random members unless noted.",
            "",
            "| operation | median | p95 | target |",
            "| --- | --- | --- | --- |",
            f"| ancestors of a member at depth ≥ {depth - 4} ({anc_len} rows, one query) | {anc_ms:.2f} ms | {anc_p95:.2f} ms | < 2 ms |",
            f"| first page of descendants (20, one query) | {desc_ms:.2f} ms | {desc_p95:.2f} ms | < 2 ms |",
            f"| first page of descendants of the {big_size:,}-member subtree | {big_desc_ms:.2f} ms | | < 2 ms |",
            f"| subtree size: stored counter | {size_ms:.3f} ms | | |",
            f"| subtree size: live count over the path range (baseline) | {live_ms:.1f} ms | | |",
            f"| subtree suspension dry run (count of {big_size:,}) | {dry_ms:.1f} ms | | |",
            f"| **suspend a {big_size:,}-member subtree** (set-based, one UPDATE; median of 3) | **{suspend_s:.2f} s** | | < 3 s |",
            f"| same, per-row loop (one UPDATE each; sampled {len(sample_ids):,}, scaled) | {loop_s:.2f} s | | |",
            "",
            f"Ratios in this run: set-based suspension is **{loop_s / suspend_s:.1f}×** faster than the per-row loop; "
            f"the stored counter is **{live_ms / max(size_ms, 1e-6):,.0f}×** faster than counting the subtree.",
            "",
            f"Plans: ancestors → `{plan_anc}`; descendants → `{plan_desc}`.",
            "",
            f"Machine load (1-minute load average) at the start of this run {load_before:.1f}, "
            f"at the end {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores: other work on the machine "
            "slows every figure above alike; compare ratios across runs.",
        ]
    )
