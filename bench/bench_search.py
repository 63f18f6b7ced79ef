"""Search latency (`GET /api/v1/search`) over the big seed: members, posts (full-text and by meaning), topics.

Requests go through the whole Django stack in process (URL, auth, view, SQL,
rendering) one at a time, so the figures are the server's own time per
request without network or concurrency. Demo posts carry one of ten topics
in their captions ("#sports demo"), so a topic word matches a tenth of every
post: the worst case for full-text ranking. For the semantic part, the newest
public posts get sentence vectors: the bundled model embeds each distinct
demo text once and each post gets its text's vector plus a little noise (the
HNSW graph is built over distinct points), which costs seconds instead of the
hours the model would take over every post on two cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from django.db import connection

EMBEDDED = 20_000


def _seed(users: int, posts: int) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("seed_demo", users=users, posts=posts, verbosity=0, quiet_logins=True)
    return time.perf_counter() - started


def _embed_posts(count: int) -> tuple[int, float]:
    """Vectors for the newest `count` public posts without one (noisy copies of their text's vector)."""
    import numpy as np

    from feed.embedding import embed
    from feed.services.embeddings import _post_text

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, topic, caption, prompt FROM feed_post WHERE state = 'published' AND visibility = 'public'"
            " AND embedding IS NULL ORDER BY id DESC LIMIT %s",
            [count],
        )
        rows = cur.fetchall()
    if not rows:
        return 0, 0.0
    texts = sorted({_post_text(t, c, p) for _, t, c, p in rows})
    vectors = dict(zip(texts, np.asarray(embed(texts), dtype=np.float32), strict=True))
    rng = np.random.default_rng(7)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_vec (id bigint, v vector(384))")
        with cur.copy("COPY bench_vec (id, v) FROM STDIN") as copy:
            for pid, topic, caption, prompt in rows:
                v = vectors[_post_text(topic, caption, prompt)] + rng.normal(0, 0.02, 384).astype(np.float32)
                v /= np.linalg.norm(v)
                copy.write_row((pid, "[" + ",".join(f"{x:.5f}" for x in v) + "]"))
        cur.execute("UPDATE feed_post p SET embedding = b.v FROM bench_vec b WHERE p.id = b.id")
        cur.execute("DROP TABLE bench_vec")
        cur.execute("ANALYZE feed_post")
    return len(rows), time.perf_counter() - started


def _measure(client: object, queries: list[str], kind: str, rounds: int) -> tuple[float, float, int, int]:
    """(p50 ms, p99 ms, requests, errors) over `rounds` passes of `queries`."""
    times: list[float] = []
    errors = 0
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            response = client.get("/api/v1/search", {"q": q, "type": kind})  # type: ignore[attr-defined]
            times.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times), p99, len(times), errors


QUERIES = {
    # Typos of seeded names, display names, and bio words.
    "users": ["membr000123", "member00042", "Member 512", "alcie", "carlo", "stop-motion", "synths"],
    # Topic words (each matches a tenth of all posts), two words, and a word no caption has (meaning only).
    "posts": ["sports", "cooking demo", "remix space", "pets", "athletics", "kitchen"],
    "topics": ["spor", "cookng", "#travel", "anim", "dnce", "music"],
}


def run(args: argparse.Namespace) -> str:
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    from feed.models import Post
    from feed.services import search_query_embed, search_vector
    from sora_social.accounts.models import User

    users, posts = (5_000, 50_000) if args.quick else (100_000, 1_000_000)
    rounds = 3 if args.quick else 20
    seed_s = _seed(users, posts)
    embedded, embed_s = _embed_posts(2_000 if args.quick else EMBEDDED)
    post_count = Post.objects.count()
    with_vectors = Post.objects.filter(embedding__isnull=False).count()
    member_count = User.objects.count()
    for q in QUERIES["posts"]:  # what the worker does after a query's first search
        search_vector(q=q)
        search_query_embed(text=q.lower())
    viewer = User.objects.get(username="bob")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(viewer)}")
    for kind, queries in QUERIES.items():  # warm: plans, caches, prepared statements
        _measure(client, queries, kind, 1)
    lines = [
        "## Search (`GET /api/v1/search`)",
        "",
        f"Data: {member_count:,} members, {post_count:,} posts (seed topped up in {seed_s:.0f} s), "
        f"{with_vectors:,} with sentence vectors ({embedded:,} added in {embed_s:.0f} s: each distinct demo "
        "text embedded once by the bundled model, plus noise per post). Each demo caption holds one of ten "
        "topics, so a topic word matches about a tenth of all posts. Requests in process, one at a time "
        f"(server time, no network), {rounds} passes over each query list, signed in as a member.",
        "",
        "| type | queries | requests | errors | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, queries in QUERIES.items():
        p50, p99, n, errors = _measure(client, queries, kind, rounds)
        shown = ", ".join(f"`{q}`" for q in queries)
        lines.append(f"| {kind} | {shown} | {n:,} | {errors} | {p50:.1f} | {p99:.1f} |")
    load = os.getloadavg()[0]
    lines += ["", f"Load average when the run ended: {load:.1f} (the machine has {os.cpu_count()} cores)."]
    return "\n".join(lines)
