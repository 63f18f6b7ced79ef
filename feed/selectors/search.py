"""Search over posts and topics (members are searched in accounts: `users_search`).

Posts: two candidate sets, merged and ranked:

- full-text: the caption document (`CAPTION_VECTOR`, "simple" configuration,
  the partial GIN index over published posts) matched by the words of `q`,
  with the visibility rule (audience, blocks, removed posts and inactive
  authors left out, teens never see mature posts) in the same query; the
  newest `FULLTEXT_WINDOW` matches are ranked (recent windows first: a
  common word would otherwise rank a tenth of all posts per request);
- semantic: the nearest published public posts to the query's sentence vector
  (the stored post embeddings, HNSW cosine), when a worker has embedded the
  query (`services.search_vector`); the web tier never loads the model.

Score: `min(1, 10 × ts_rank)` for a full-text match plus the cosine
similarity for a semantic one (a post found both ways ranks above one found
once), plus a little for engagement (log-scaled likes and remixes). The
merged ids become cards through the card statement (`cards_by_ids`), which
applies the visibility rule again, so the semantic set needs no filter of its
own beyond "published and public". Pages are offsets into the ranked list
(signed cursor), up to `SEARCH_MAX_RESULTS`.

Topics: hashtags with at least one published public post, by trigram
similarity (typos) or prefix, ranked by similarity, then post count.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from pgvector.django import CosineDistance

from feed import cards
from feed.models import Hashtag, Post, PostAudience
from feed.models.posts import CAPTION_VECTOR
from feed.selectors.pages import Page, Pager
from feed.states import PostState, Rating, Visibility
from sora_social.accounts.selectors import SEARCH_MAX_RESULTS, follow_exists
from sora_social.accounts.viewer import Viewer
from sora_social.common.ids import EPOCH_MS
from sora_social.common.pagination import decode_int_cursor, encode_cursor

# Candidates drawn from each source; the ranked list is cut at SEARCH_MAX_RESULTS.
CANDIDATES = SEARCH_MAX_RESULTS
# Full-text matches ranked per request: the newest this many (see `_fulltext`).
FULLTEXT_WINDOW = 1000
# Windows tried in turn (days back; 0: all time) until one holds FULLTEXT_WINDOW matches.
RECENCY_WINDOWS_DAYS = (1, 7, 0)
# Semantic matches below this cosine similarity are noise for a short query.
SEMANTIC_MIN_SIMILARITY = 0.35
_SCOPE = "search.posts"


def _candidates_q(viewer: Viewer) -> Q:
    """`visible_q` for published posts in a cheaper form for thousands of rows: the viewer's
    blocks as a list (read once per request) instead of a correlated EXISTS per row. The card
    statement applies the one rule (`visible_sql`) again to whatever is shown."""
    follows = follow_exists(follower=viewer.id, followee=OuterRef("author_id"))
    chosen = Exists(PostAudience.objects.filter(post_id=OuterRef("pk"), user_id=viewer.id))
    q = Q(state=PostState.PUBLISHED, author__is_active=True) & (
        Q(author_id=viewer.id)
        | Q(visibility=Visibility.PUBLIC)
        | (Q(visibility=Visibility.FOLLOWERS) & Q(follows))
        | (Q(visibility=Visibility.CHOSEN) & Q(chosen))
    )
    if viewer.blocked_ids:
        q &= ~Q(author_id__in=sorted(viewer.blocked_ids))
    if viewer.is_teen:
        q &= ~Q(rating=Rating.MATURE)
    return q


def _since_id(days: int) -> int:
    """The smallest snowflake id minted `days` ago (ids are time-ordered)."""
    ms = int((timezone.now() - dt.timedelta(days=days)).timestamp() * 1000)
    return max(0, ms - EPOCH_MS) << 22


def _fulltext(viewer: Viewer, q: str) -> list[tuple[int, float, int]]:
    """Full-text candidates, best first: the newest FULLTEXT_WINDOW visible matches, ranked.

    A word in a tenth of all posts would otherwise rank a hundred thousand rows per request,
    and GIN cannot hand matches over newest first; so recent windows are tried first (each a
    bitmap AND of the GIN index and the id range), widening until one holds enough matches.
    """
    query = SearchQuery(q, config="simple", search_type="plain")
    matches = (
        Post.objects.annotate(document=CAPTION_VECTOR).filter(document=query).filter(_candidates_q(viewer))
    )
    ids: list[int] = []
    for days in RECENCY_WINDOWS_DAYS:
        window = matches.filter(id__gte=_since_id(days)) if days else matches
        ids = list(window.order_by("-id").values_list("id", flat=True)[:FULLTEXT_WINDOW])
        if len(ids) >= FULLTEXT_WINDOW:
            break
    if not ids:
        return []
    rows = (
        Post.objects.filter(id__in=ids)
        .annotate(rank=SearchRank(CAPTION_VECTOR, query))
        .order_by("-rank", "-id")
        .values_list("id", "rank", F("like_count") + F("remix_count"))[:CANDIDATES]
    )
    return [(pid, min(1.0, 10 * float(rank)), engagement) for pid, rank, engagement in rows]


def _semantic(vector: list[float]) -> list[tuple[int, float, int]]:
    rows = (
        Post.objects.filter(state=PostState.PUBLISHED, visibility=Visibility.PUBLIC, embedding__isnull=False)
        .annotate(distance=CosineDistance("embedding", vector))
        .order_by("distance")
        .values_list("id", "distance", F("like_count") + F("remix_count"))[:CANDIDATES]
    )
    return [
        (pid, 1.0 - float(d), engagement) for pid, d, engagement in rows if 1.0 - d >= SEMANTIC_MIN_SIMILARITY
    ]


def ranked_post_ids(*, viewer: Viewer, q: str, vector: list[float] | None) -> list[int]:
    """Every candidate's id, best first (one or two queries)."""
    scores: dict[int, float] = {}
    engagement: dict[int, int] = {}
    for source in (_fulltext(viewer, q), _semantic(vector) if vector else []):
        for pid, score, eng in source:
            scores[pid] = scores.get(pid, 0.0) + score
            engagement[pid] = eng
    for pid, eng in engagement.items():
        scores[pid] += math.log1p(max(0, eng)) / 100
    return sorted(scores, key=lambda pid: (-scores[pid], -pid))[:SEARCH_MAX_RESULTS]


def posts_search(*, viewer: Viewer, q: str, vector: list[float] | None, cursor: str | None) -> Pager:
    """A pager over the posts matching `q`, best first (served within a teen's budget)."""
    offset = decode_int_cursor(cursor, scope=_SCOPE) or 0

    def page(limit: int, personal: bool) -> Page:
        ids = ranked_post_ids(viewer=viewer, q=q, vector=vector)
        chosen = ids[offset : offset + limit]
        results = cards.cards_by_ids(viewer_id=viewer.id, teen=viewer.is_teen, ids=chosen)
        more = offset + limit < len(ids)
        return Page(results, encode_cursor(offset + limit, scope=_SCOPE) if more else None)

    return page


def topics_search(*, q: str, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Hashtags matching `q` (without its `#`), best first, with their post counts (one query)."""
    offset = decode_int_cursor(cursor, scope="search.topics") or 0
    name = q.lstrip("#").strip().lower()
    end = min(offset + limit, SEARCH_MAX_RESULTS)
    if not name or offset >= end:
        return [], None
    found = list(
        Hashtag.objects.filter(post_count__gt=0)
        .filter(Q(name__trigram_similar=name) | Q(name__startswith=name))
        .annotate(similarity=TrigramSimilarity("name", name))
        .order_by("-similarity", "-post_count", "name")
        .values("name", "post_count")[offset : end + 1]
    )
    rows = [{"name": r["name"], "post_count": r["post_count"]} for r in found]
    more = len(rows) > end - offset
    return rows[: end - offset], encode_cursor(end, scope="search.topics") if more else None
