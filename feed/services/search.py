"""Search queries' sentence vectors: looked up by the web tier, computed by a worker.

`search_vector` (web) answers the stored vector of a query text, or None and
asks a worker once (`feed.embed_search_query`, enqueued when the row is first
created; `ON CONFLICT DO NOTHING`, so concurrent first searches enqueue once).
`search_query_embed` (worker) runs the sentence model. Texts are normalised
(lower case, single spaces) so "Cats  Dancing" and "cats dancing" share one
row; `search_vectors_prune` (beat) drops vectors unused for a while.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from feed.embedding import embed
from feed.models import SearchQueryVector
from sora_social.common.tasks import enqueue_on_commit

MAX_TEXT = 200
KEEP_DAYS = 30


def normalise(q: str) -> str:
    return " ".join(q.lower().split())[:MAX_TEXT]


def search_vector(*, q: str) -> list[float] | None:
    """The query's stored vector; None (and a worker asked to compute it) when there is none yet."""
    text = normalise(q)
    row = SearchQueryVector.objects.filter(text=text).values_list("embedding", flat=True).first()
    if row is not None:
        return [float(x) for x in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SearchQueryVector._meta.db_table} (text, created_at) VALUES (%s, %s)"  # noqa: S608
            " ON CONFLICT (text) DO NOTHING RETURNING text",
            [text, timezone.now()],
        )
        created = cursor.fetchone() is not None
    if created:
        enqueue_on_commit("feed.embed_search_query", text=text)
    return None


def search_query_embed(*, text: str) -> bool:
    """Embed one stored query text (worker only); True when written."""
    if not SearchQueryVector.objects.filter(text=text, embedding__isnull=True).exists():
        return False
    return bool(SearchQueryVector.objects.filter(text=text).update(embedding=embed([text])[0]))


def search_vectors_prune(*, keep_days: int = KEEP_DAYS) -> int:
    """Drop query vectors older than `keep_days` (beat): the table stays the size of recent searches."""
    deleted, _ = SearchQueryVector.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(days=keep_days)
    ).delete()
    return deleted
