"""For you ranking (feed workers only): `for_you_refresh`, in named steps.

Sources → one query loading every candidate through the viewer's visibility
filter (blocks, moderation and consent states, teen rating) → score → mix
(diversity, new creators) → store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from pgvector.django import CosineDistance

from cameos.selectors import verified_cameo_ids
from feed import ranking, sources
from feed.models import AuthorWeight, FeedPreference, Post, TopicWeight
from feed.selectors import visible_q
from feed.states import PostState
from feed.store import Ranked, get_store
from sora_social.accounts.selectors import following_ids, user_get
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import NotFound

_FIELDS = [
    "id", "author_id", "author__username", "author__date_joined", "created_at", "topic", "cameo_ids",
    "view_count", "like_count", "comment_count", "remix_count", "inspired_count",
]  # fmt: skip


def _viewer_of(user_id: int) -> tuple[Viewer, bool] | None:
    """The viewer to rank for and whether ranking is personal; None for an unknown or inactive member.

    User 0 is the shared set: ranked for the strictest viewer (no mature
    posts), never personal. A parent may turn a teen's personalisation off.
    """
    if user_id == 0:
        return Viewer.anonymous_teen(), False
    try:
        viewer = Viewer.of(user_get(user_id=user_id))
    except NotFound:
        return None
    controls = viewer.controls
    return viewer, controls is None or controls.personalization_enabled


def _sourced(user_id: int, personal: bool, pref: FeedPreference | None) -> dict[int, set[str]]:
    """Candidate post ids, each tagged with the sources that proposed it."""
    limit = settings.FEED_SOURCE_LIMIT
    tagged: dict[int, set[str]] = {}

    def add(name: str, ids: list[int]) -> None:
        for pid in ids:
            tagged.setdefault(pid, set()).add(name)

    add("creation", sources.creation(limit))
    add("fresh", sources.fresh(limit // 3))
    add("new_creators", sources.new_creators(limit // 3))
    if personal:
        add("following", sources.following(user_id, limit))
        add("preference", sources.preference(pref, limit // 3))
        add("your_remixes", sources.your_remixes(user_id, limit // 3))
    return tagged


def _candidate_rows(viewer: Viewer, ids: list[int], pref: FeedPreference | None) -> list[dict[str, Any]]:
    """The candidates the viewer may see, in one query (with preference distances), leaving out
    posts carrying a cameo that is no longer verified (deleted, withdrawn: consent)."""
    qs = Post.objects.filter(visible_q(viewer, own=False), pk__in=ids)
    fields = list(_FIELDS)
    if pref is not None and pref.more is not None:
        qs = qs.annotate(more_d=CosineDistance("embedding", pref.more))
        fields.append("more_d")
    if pref is not None and pref.less is not None:
        qs = qs.annotate(less_d=CosineDistance("embedding", pref.less))
        fields.append("less_d")
    rows = list(qs.values(*fields))
    verified = verified_cameo_ids(cameo_ids={c for r in rows for c in r["cameo_ids"]})
    return [r for r in rows if set(r["cameo_ids"]) <= verified]


@dataclass
class _Signals:
    """What ranking knows besides the rows: today's remixes, follows, steering weights."""

    remixes_today: dict[int, int]
    followed: set[int] = field(default_factory=set)
    author_w: dict[int, float] = field(default_factory=dict)
    topic_w: dict[str, float] = field(default_factory=dict)


def _signals(user_id: int, personal: bool, rows: list[dict[str, Any]]) -> _Signals:
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = dict(
        Post.objects.filter(
            parent_id__in=[r["id"] for r in rows], state=PostState.PUBLISHED, created_at__gte=day_start
        )
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    signals = _Signals(remixes_today=today)
    if personal:
        signals.followed = following_ids(user_id=user_id)
        signals.author_w = dict(
            AuthorWeight.objects.filter(
                user_id=user_id, author_id__in={r["author_id"] for r in rows}
            ).values_list("author_id", "weight")
        )
        signals.topic_w = dict(TopicWeight.objects.filter(user_id=user_id).values_list("topic", "weight"))
    return signals


def _candidate(r: dict[str, Any], s: _Signals, tags: set[str], new_since: dt.datetime) -> ranking.Candidate:
    similarity = None
    if "more_d" in r and r["more_d"] is not None:
        similarity = 1 - r["more_d"]
        if r.get("less_d") is not None:
            similarity -= 1 - r["less_d"]
    return ranking.Candidate(
        post_id=r["id"],
        author_id=r["author_id"],
        author_username=r["author__username"],
        created_at=r["created_at"],
        views=r["view_count"],
        likes=r["like_count"],
        comments=r["comment_count"],
        remixes=r["remix_count"],
        inspired=r["inspired_count"],
        remixes_today=s.remixes_today.get(r["id"], 0),
        followed=r["author_id"] in s.followed,
        similarity=similarity,
        author_weight=s.author_w.get(r["author_id"], 0.0),
        topic_weight=s.topic_w.get(r["topic"], 0.0) if r["topic"] else 0.0,
        new_creator=r["author__date_joined"] >= new_since,
        sources=tags,
    )


def for_you_refresh(*, user_id: int) -> int:
    """Rank a member's For you candidates and materialise them; user 0 is the shared set.

    Sources → one query loading every candidate through the viewer's
    visibility filter (blocks, moderation and consent states, teen rating) →
    score → mix (diversity, new creators) → store. Returns the items stored.
    """
    found = _viewer_of(user_id)
    if found is None:
        return 0
    viewer, personal = found
    pref = FeedPreference.objects.filter(user_id=user_id).first() if personal else None
    tagged = _sourced(user_id, personal, pref)
    if not tagged:
        get_store().for_you_replace(user_id, [])
        return 0
    rows = _candidate_rows(viewer, list(tagged), pref)
    signals = _signals(user_id, personal, rows)
    weights = ranking.Weights.from_settings()
    now = timezone.now()
    new_since = now - dt.timedelta(days=settings.FEED_NEW_CREATOR_DAYS)
    candidates = []
    for r in rows:
        c = _candidate(r, signals, tagged[r["id"]], new_since)
        c.score = ranking.score(c, weights, now)
        candidates.append(c)
    mixed = ranking.mix(candidates, weights, settings.FEED_CANDIDATES_MAX)
    get_store().for_you_replace(user_id, [Ranked(c.post_id, c.score, ranking.reason(c)) for c in mixed])
    return len(mixed)
