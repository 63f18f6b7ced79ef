"""Search over posts and topics (members are searched in accounts: `users_search`).

Posts: two candidate sets, merged and ranked:

- full-text: the caption document (`CAPTION_VECTOR`, "simple" configuration,
  the partial GIN index over published posts) matched by the words of `q`,
  with the visibility rule (`visible_q`: audience, blocks, removed posts and
  inactive authors left out, teens never see mature posts) in the same query;
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

import math
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import F, Q
from pgvector.django import CosineDistance

from feed import cards
from feed.models import Hashtag, Post
from feed.models.posts import CAPTION_VECTOR
from feed.selectors.pages import Page, Pager
from feed.selectors.visibility import visible_q
from feed.states import PostState, Visibility
from sora_social.accounts.selectors import SEARCH_MAX_RESULTS
from sora_social.accounts.viewer import Viewer
from sora_social.common.pagination import decode_int_cursor, encode_cursor

# Candidates drawn from each source; the ranked list is cut at SEARCH_MAX_RESULTS.
CANDIDATES = SEARCH_MAX_RESULTS
# Semantic matches below this cosine similarity are noise for a short query.
SEMANTIC_MIN_SIMILARITY = 0.35
_SCOPE = "search.posts"


def _fulltext(viewer: Viewer, q: str) -> list[tuple[int, float, int]]:
    query = SearchQuery(q, config="simple", search_type="plain")
    rows = (
        Post.objects.filter(state=PostState.PUBLISHED)
        .annotate(document=CAPTION_VECTOR)
        .filter(document=query)
        .filter(visible_q(viewer, own=True))
        .annotate(rank=SearchRank(F("document"), query))
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
