"""The feed under load: `GET /api/v1/feed` through uvicorn against trivial endpoints of the same
server, on ≥100,000 members and ≥1,000,000 posts; lineage and remixes on a 100,000-post remix tree."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from bench.loadgen import Result

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8009"))
TREE_FANOUT = 10


def _seed(users: int, posts: int) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("seed_demo", users=users, posts=posts, verbosity=0, quiet_logins=True)
    return time.perf_counter() - started


def _tree(size: int) -> tuple[int, int, int]:
    """A remix tree of `size` posts (10-ary, level by level, set-based). Returns (root, middle, deepest leaf)."""
    from feed.seeding import B36
    from sora_social.common.ids import EPOCH_MS

    with connection.cursor() as cur:
        cur.execute("DELETE FROM feed_post WHERE video = 'bench/tree.mp4'")
        cur.execute(B36)
        cur.execute("SELECT id FROM accounts_user WHERE is_active ORDER BY id LIMIT 1000")
        authors = [r[0] for r in cur.fetchall()]
        cur.execute("DROP TABLE IF EXISTS bench_tree")
        # Ids in the past, on a node no live process uses, ordered by index.
        base = ((int(time.time() * 1000) - 3 * 86400_000 - EPOCH_MS) << 22) | (1021 << 12)
        cur.execute(
            "CREATE TEMP TABLE bench_tree AS SELECT i, %s::bigint + (i / 4096) * 4194304 + (i %% 4096) AS id,"
            " (%s::bigint[])[1 + i %% %s] AS author FROM generate_series(0, %s - 1) i",
            [base, authors, len(authors), size],
        )
        cur.execute("CREATE INDEX ON bench_tree (i)")
        cur.execute(
            "INSERT INTO feed_post (id, author_id, video, poster, prompt, caption, topic, visibility, allow_remix,"
            " rating, state, state_changed_at, cameo_ids, root_id, depth, path, like_count, comment_count,"
            " view_count, remix_count, descendant_count, inspired_count, created_at)"
            " SELECT id, author, 'bench/tree.mp4', '', 'tree', 'root', '', 'public', true, 'general', 'published',"
            " now(), '{}', id, 0, pg_temp.b36(id), 0, 0, 0, 0, 0, 0, now() FROM bench_tree WHERE i = 0"
        )
        lo, depth = 1, 1
        while lo < size:
            hi = min(size, lo * TREE_FANOUT + 1)
            cur.execute(
                "INSERT INTO feed_post (id, author_id, video, poster, prompt, caption, topic, visibility,"
                " allow_remix, rating, state, state_changed_at, cameo_ids, parent_id, root_id, depth, path,"
                " like_count, comment_count, view_count, remix_count, descendant_count, inspired_count, created_at)"
                " SELECT n.id, n.author, p.video, '', 'tree', 'remix', '', 'public', true, 'general', 'published',"
                " now(), '{}', p.id, p.root_id, p.depth + 1, p.path || pg_temp.b36(n.id), 0, 0, 0, 0, 0, 0, now()"
                " FROM bench_tree n JOIN bench_tree pn ON pn.i = (n.i - 1) / %s JOIN feed_post p ON p.id = pn.id"
                " WHERE n.i >= %s AND n.i < %s",
                [TREE_FANOUT, lo, hi],
            )
            lo, depth = hi, depth + 1
        cur.execute(
            "UPDATE feed_post p SET remix_count = c.n FROM (SELECT parent_id, count(*) n FROM feed_post"
            " WHERE video = 'bench/tree.mp4' AND parent_id IS NOT NULL GROUP BY parent_id) c WHERE p.id = c.parent_id"
        )
        cur.execute(
            "UPDATE feed_post p SET descendant_count = (SELECT count(*) FROM feed_post d"
            " WHERE d.path > p.path AND d.path < p.path || '{') WHERE p.video = 'bench/tree.mp4' AND p.remix_count > 0"
        )
        cur.execute("SELECT id FROM bench_tree WHERE i IN (0, 5, %s) ORDER BY i", [size - 1])
        root, middle, leaf = (r[0] for r in cur.fetchall())
        cur.execute("ANALYZE feed_post")
    return root, middle, leaf


def _follows(user_id: int, count: int) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_follow (id, follower_id, followee_id, created_at)"
            " SELECT (%s::bigint << 20) + row_number() OVER (), %s, id, now() FROM ("
            "  SELECT id FROM accounts_user WHERE id <> %s AND is_active ORDER BY hashint8(id) LIMIT %s) u"
            " ON CONFLICT DO NOTHING",
            [user_id % (1 << 40), user_id, user_id, count],
        )


def _median(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError("server did not start")


def _redis_url() -> str | None:
    import redis

    url = os.environ.get("FEED_REDIS_URL") or "redis://127.0.0.1:6379/9"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        return None
    return url


def run(args: argparse.Namespace) -> str:
    from django.conf import settings
    from rest_framework_simplejwt.tokens import RefreshToken

    from bench.loadgen import load
    from feed import services
    from feed.models import Post
    from sora_social.accounts.models import User

    users, posts, tree = (5_000, 50_000, 10_000) if args.quick else (100_000, 1_000_000, 100_000)
    concurrency, duration, rounds = (16, 4.0, 1) if args.quick else (32, 5.0, 9)
    redis_url = _redis_url()
    settings.FEED_REDIS_URL = redis_url
    seed_s = _seed(users, posts)
    tree_started = time.perf_counter()
    root, middle, leaf = _tree(tree)
    tree_s = time.perf_counter() - tree_started
    member_count = User.objects.count()
    post_count = Post.objects.count()

    viewer = User.objects.get(username="alice")
    _follows(viewer.id, 300)
    started = time.perf_counter()
    services.for_you_refresh(user_id=0)
    ranked = services.for_you_refresh(user_id=viewer.id)
    rank_s = time.perf_counter() - started
    token = str(RefreshToken.for_user(viewer).access_token)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sora_social.settings.base",
        "INPROCESS_WORKER": "false",
        "FEED_REDIS_URL": redis_url or "",
        "DEBUG": "false",
        "THROTTLE_USER": "100000000/min",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sora_social.asgi:application", "--port", str(PORT),
         "--log-level", "warning", "--no-access-log", "--lifespan", "off"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait_port(PORT)
        base = f"http://127.0.0.1:{PORT}"
        auth = {"Authorization": f"Bearer {token}"}
        # Warm the process (imports, connections) before measuring.
        load(base, ["/healthz", "/api/v1/feed", "/api/v1/me"], headers=auth, concurrency=4, duration=2)

        def hit(paths: list[str], headers: dict[str, str] | None = None) -> Result:
            return load(base, paths, headers=headers, concurrency=concurrency, duration=duration)

        # The tracked ratio: trivial and feed run back to back in each round (in
        # alternating order), and the figure is the median of the rounds' ratios,
        # so a slow or fast spell of this shared machine falls on both sides.
        pairs = []
        for i in range(rounds):
            if i % 2:
                f = hit(["/api/v1/feed"], auth)
                pairs.append((hit(["/healthz"]), f))
            else:
                pairs.append((hit(["/healthz"]), hit(["/api/v1/feed"], auth)))
        trivial = _median([t for t, _ in pairs])
        feed = _median([f for _, f in pairs])
        rows = [
            (f"`GET /healthz` (trivial JSON, no auth; median of {rounds})", trivial),
            ("`GET /api/v1/me` (trivial JSON, JWT auth)", hit(["/api/v1/me"], auth)),
            (f"`GET /api/v1/feed` (For you, 20 items; median of {rounds})", feed),
            ("`GET /api/v1/feed?kind=following`", hit(["/api/v1/feed?kind=following"], auth)),
            (f"`GET /posts/{{leaf}}/lineage` (depth of a {tree:,}-post tree)", hit([f"/api/v1/posts/{leaf}/lineage"], auth)),
            ("`GET /posts/{root}/remixes` (first page)", hit([f"/api/v1/posts/{root}/remixes"], auth)),
            ("`GET /posts/{middle}/remixes` (a subtree)", hit([f"/api/v1/posts/{middle}/remixes"], auth)),
        ]  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    trivial_auth = rows[1][1]
    ratios = sorted(f.rps / t.rps for t, f in pairs)
    per_round = ", ".join(f"{f.rps / t.rps:.2f}" for t, f in pairs)
    lines = [
        "## Feed under load (`make bench BENCH_ARGS=feed`)",
        "",
        f"Data: {member_count:,} members, {post_count:,} posts (seeded set-based in {seed_s:.0f} s), "
        f"a {tree:,}-post remix tree (10-ary, built in {tree_s:.1f} s). Feed store: "
        f"{'Redis sorted sets' if redis_url else 'tables'}. Ranking the viewer's For you set "
        f"({ranked} items) and the shared set took {rank_s:.2f} s in the worker; the read path does none.",
        "",
        f"One uvicorn process on loopback; closed-loop load generator (`bench/loadgen.py`, asyncio keep-alive) with "
        f"{concurrency} connections, {duration:.0f} s per endpoint and round, on the same 2-core machine as the server; database connections from the process's psycopg pool (`DB_POOL_MAX`).",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- |",
        *[
            f"| {name} | {r.requests:,} | {r.errors} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} |"
            for name, r in rows
        ],
        "",
        f"**Feed ÷ trivial (`/healthz`): {ratios[len(ratios) // 2]:.2f}**, the median of {rounds} rounds' ratios "
        f"(target ≥ 0.5; rounds in order: {per_round}; ratio of the medians above: {feed.rps / trivial.rps:.2f}); "
        f"feed ÷ authenticated trivial (`/api/v1/me`): {feed.rps / trivial_auth.rps:.2f}.",
    ]
    return "\n".join(lines)
