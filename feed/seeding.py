"""Demo posts: `manage.py seed_demo --posts M`, set-based SQL (a million rows in about a minute).

Posts are spread over the last `--post-days` days with time-ordered ids,
authored by the seeded members; about one in ten is a remix of an earlier
post (one or two levels deep), with stored lineage paths and counts. Demo posts point at
one shared demo video and have no generation row. Idempotent: existing demo
posts count toward M.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from feed.models import Post
from feed.states import PostState, Visibility
from sora_social.accounts.selectors import active_member_ids
from sora_social.common.ids import EPOCH_MS, new_ids

# Demo posts share one public video (rule 10: public names are served without
# authorization; this one is shared, so a removal copies it away, never moves it).
logger = logging.getLogger(__name__)

DEMO_VIDEO = "public/demo/post.mp4"
DEMO_POSTER = "public/demo/post.jpg"
TOPICS = ["animation", "sports", "nature", "music", "cooking", "travel", "comedy", "pets", "space", "dance"]

# Fixed-width base 36 in SQL (matches feed.models.posts.path_segment).
B36 = """
CREATE OR REPLACE FUNCTION pg_temp.b36(v bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lpad(string_agg(substr('0123456789abcdefghijklmnopqrstuvwxyz',
         ((v / (36::numeric ^ k))::bigint % 36)::int + 1, 1), '' ORDER BY k DESC), 13, '0')
  FROM generate_series(0, 12) k
$$
"""


_ROOTS_SQL = """
INSERT INTO feed_post (id, author_id, video, poster, prompt, caption, topic, visibility, allow_remix,
    rating, state, state_changed_at, cameo_ids, root_id, depth, path, like_count, comment_count,
    view_count, remix_count, descendant_count, inspired_count, created_at)
SELECT s.id, a.id, %(video)s, %(poster)s, 'a demo video about ' || t.topic, '#' || t.topic || ' demo',
       t.topic, 'public', true, 'general', 'published', s.ts, '{}', s.id, 0, pg_temp.b36(s.id),
       (hashint4(s.i) & 63), (hashint4(s.i + 7) & 15), 20 + (hashint4(s.i + 3) & 255), 0, 0,
       (hashint4(s.i + 11) & 7), s.ts
FROM seed_posts s
JOIN seed_authors a ON a.n = (abs(hashint4(s.i)) %% %(authors)s)
CROSS JOIN LATERAL (SELECT (%(topics)s::text[])[1 + abs(hashint4(s.i + 1)) %% 10] AS topic) t
WHERE (abs(hashint4(s.i + 5)) %% 1000) >= %(remix)s * 1000
ON CONFLICT (id) DO NOTHING
"""

# A remix picks an earlier post one level up, from the same hour-wide window of ids.
_REMIXES_SQL = """
INSERT INTO feed_post (id, author_id, video, poster, prompt, caption, topic, visibility,
    allow_remix, rating, state, state_changed_at, cameo_ids, parent_id, root_id, depth, path,
    like_count, comment_count, view_count, remix_count, descendant_count, inspired_count,
    created_at)
SELECT s.id, a.id, p.video, p.poster, p.prompt, 'remix ' || p.caption, p.topic, 'public', true,
       'general', 'published', s.ts, '{}', p.id, p.root_id, p.depth + 1,
       p.path || pg_temp.b36(s.id), 0, 0, 20, 0, 0, 0, s.ts
FROM seed_posts s
JOIN seed_authors a ON a.n = (abs(hashint4(s.i)) %% %(authors)s)
CROSS JOIN LATERAL (
    SELECT * FROM feed_post p WHERE p.id < s.id AND p.depth = %(parent_depth)s
      AND p.video = %(video)s ORDER BY p.id DESC LIMIT 1 OFFSET (abs(hashint4(s.i)) %% 50)
) p
WHERE (abs(hashint4(s.i + 5)) %% 1000) < %(remix)s * 1000
  AND (abs(hashint4(s.i + 9)) %% 3 = 0) = %(deep)s
ON CONFLICT (id) DO NOTHING
"""

# Stored counters from the lineage just written, set-based.
_COUNTERS_SQL = """
UPDATE feed_post p SET remix_count = c.n FROM (
  SELECT parent_id, count(*) n FROM feed_post WHERE parent_id IS NOT NULL AND video = %(video)s
  GROUP BY parent_id) c WHERE p.id = c.parent_id;
UPDATE feed_post p SET descendant_count = c.n FROM (
  SELECT root_id, count(*) - 1 n FROM feed_post WHERE video = %(video)s GROUP BY root_id
  HAVING count(*) > 1) c WHERE p.id = c.root_id AND p.depth = 0;
UPDATE feed_post p SET descendant_count = p.remix_count + c.n FROM (
  SELECT x.id, coalesce(sum(ch.remix_count), 0) n FROM feed_post x
  JOIN feed_post ch ON ch.parent_id = x.id WHERE x.depth = 1 AND x.video = %(video)s GROUP BY x.id
) c WHERE p.id = c.id;
"""


# Hashtags of the demo posts (each caption carries one: "#<topic> demo"), linked set-based
# (a demo post has one tag, so the link takes the post's id), then the stored counts of the
# tags and the authors recounted from the rows (seeding is the one place that recounts).
_HASHTAGS_SQL = """
INSERT INTO feed_hashtag (id, name, post_count, created_at)
SELECT i, n, 0, now() FROM unnest(%(ids)s::bigint[], %(topics)s::text[]) AS t(i, n)
ON CONFLICT (name) DO NOTHING;
INSERT INTO feed_post_hashtag (id, post_id, hashtag_id)
SELECT p.id, p.id, h.id FROM feed_post p JOIN feed_hashtag h ON h.name = p.topic
WHERE p.video = %(video)s ON CONFLICT DO NOTHING;
UPDATE feed_hashtag h SET post_count = c.n FROM (
  SELECT ph.hashtag_id, count(*) n FROM feed_post_hashtag ph JOIN feed_post p ON p.id = ph.post_id
  WHERE p.state = 'published' AND p.visibility = 'public' GROUP BY ph.hashtag_id) c
WHERE h.id = c.hashtag_id;
UPDATE accounts_user u SET post_count = c.n FROM (
  SELECT author_id, count(*) n FROM feed_post WHERE state = 'published' AND visibility <> 'private'
  GROUP BY author_id) c WHERE u.id = c.author_id;
"""


def _seed_tables(cursor: Any, *, authors: list[int], missing: int, days: int, node: int) -> None:
    """Temp tables: the authors by row number, and the new posts' ids and times."""
    cursor.execute(B36)
    # ON COMMIT DROP does not fire when seeding runs inside an outer transaction (tests).
    cursor.execute("DROP TABLE IF EXISTS seed_authors, seed_posts")
    cursor.execute("CREATE TEMP TABLE seed_authors (n int PRIMARY KEY, id bigint) ON COMMIT DROP")
    cursor.execute(
        "INSERT INTO seed_authors SELECT ord - 1, id FROM unnest(%s::bigint[]) WITH ORDINALITY AS a(id, ord)",
        [authors],
    )
    # Ids: milliseconds of created_at in the high bits (time-ordered like
    # snowflakes), a node no live process uses, and the row number.
    cursor.execute(
        f"""
        CREATE TEMP TABLE seed_posts ON COMMIT DROP AS
        SELECT i, ts,
               (((extract(epoch FROM ts) * 1000)::bigint - {EPOCH_MS}) << 22) | ({node} << 12) | (i %% 4096) AS id
        FROM (
          SELECT i, now() - make_interval(secs => (%(n)s - i)::float8 * %(span)s / %(n)s) AS ts
          FROM generate_series(1, %(n)s) i
        ) s
        """,  # noqa: S608
        {"n": missing, "span": days * 86400.0},
    )


def _insert_roots(cursor: Any, *, authors: int, share: float) -> None:
    params = {
        "video": DEMO_VIDEO,
        "poster": DEMO_POSTER,
        "authors": authors,
        "topics": TOPICS,
        "remix": share,
    }
    cursor.execute(_ROOTS_SQL, params)


def _insert_remixes(cursor: Any, *, authors: int, share: float, depth: int) -> None:
    # Fresh statistics first: planned against an "empty" table, the lateral
    # parent lookup becomes a sequential scan per remix.
    cursor.execute("ANALYZE feed_post")
    params = {
        "authors": authors,
        "video": DEMO_VIDEO,
        "remix": share,
        "parent_depth": depth - 1,
        "deep": depth == 2,
    }
    cursor.execute(_REMIXES_SQL, params)


def seed_posts(*, count: int, days: int = 30, remix_share: float = 0.1, node: int = 1019) -> int:
    """Insert `count` demo posts set-based; returns how many were added.

    Roots first; then remixes of earlier roots, then remixes of those remixes;
    then the stored lineage counters.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM feed_post WHERE video = %s", [DEMO_VIDEO])
        have = cursor.fetchone()[0]
        missing = count - have
        if missing <= 0:
            return 0
        authors = active_member_ids()
        if not authors:
            return 0
        _seed_tables(cursor, authors=authors, missing=missing, days=days, node=node)
        _insert_roots(cursor, authors=len(authors), share=remix_share)
        for depth in (1, 2):
            _insert_remixes(cursor, authors=len(authors), share=remix_share, depth=depth)
        # A remix drawn before enough earlier posts existed found no parent: it
        # becomes a root, so the seeder always tops up to exactly the count asked.
        _insert_roots(cursor, authors=len(authors), share=0.0)
        cursor.execute(_COUNTERS_SQL, {"video": DEMO_VIDEO})
        cursor.execute(_HASHTAGS_SQL, {"ids": new_ids(len(TOPICS)), "topics": TOPICS, "video": DEMO_VIDEO})
        cursor.execute("SELECT count(*) FROM feed_post WHERE video = %s", [DEMO_VIDEO])
        return cursor.fetchone()[0] - have


def demo_media_ensure() -> None:
    """Render the shared demo video and poster once (procedural, watermarked, C2PA-signed),
    so demo posts play; a failure is logged and leaves the posts without playable media."""
    if default_storage.exists(DEMO_VIDEO) and default_storage.exists(DEMO_POSTER):
        return
    try:
        # The seed command alone renders: av, PIL and the renderer (0.4 s) stay out of every other process.
        from generation import media, provenance  # noqa: PLC0415
        from generation.backends import RenderContext, RenderRequest  # noqa: PLC0415
        from generation.backends.audio import with_soundtrack  # noqa: PLC0415
        from generation.backends.procedural import ProceduralBackend  # noqa: PLC0415

        fps = 12
        request = RenderRequest(prompt="a demo video", seed=7, duration_s=3, width=288, height=512, fps=fps)
        result = with_soundtrack(request, ProceduralBackend().render(request, RenderContext()))
        frames = result.frames
        media.burn_watermark(frames, fps=fps, text=settings.GENERATION_WATERMARK_TEXT or "")
        assert result.audio is not None  # with_soundtrack always sets it
        encoded = media.encode_mp4(
            frames,
            result.audio,
            sample_rate=result.sample_rate,
            fps=fps,
            crf=settings.GENERATION_X264_CRF,
            preset=settings.GENERATION_X264_PRESET or "veryfast",
        )
        for name, data in (
            (DEMO_VIDEO, provenance.sign_mp4(encoded, title="demo.mp4", job_id=0, cameo_ids=[])),
            (DEMO_POSTER, media.poster_jpeg(frames[min(len(frames) - 1, fps)])),
        ):
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
    except Exception:
        logger.warning("demo media could not be rendered; demo posts will not play", exc_info=True)


class PostsSeeder:
    name = "posts"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--posts", type=int, default=500, help="Demo posts (about one in ten a remix).")
        parser.add_argument("--post-days", type=int, default=30, help="Days the demo posts spread over.")

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        if options.get("posts"):
            demo_media_ensure()
        added = seed_posts(
            count=max(0, int(options.get("posts") or 0)), days=int(options.get("post_days") or 30)
        )
        lines = [f"  posts:     {added:,} demo posts added"] if added else []
        remix = (
            Post.objects.filter(state=PostState.PUBLISHED, visibility=Visibility.PUBLIC, depth__gt=0)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        return lines + ([f"  share:     /p/{remix}  (web share page of a demo remix)"] if remix else [])
