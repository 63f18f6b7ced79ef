"""Scoring and mixing of For you candidates: pure functions, no queries.

The score rewards what makes people create, per view, so small posts that
inspire compete with big ones:

    score = W_REMIX    * remixes  / (views + VIEW_PRIOR)
          + W_INSPIRED * inspired / (views + VIEW_PRIOR)
          + W_LIKE     * likes    / (views + VIEW_PRIOR)
          + W_COMMENT  * comments / (views + VIEW_PRIOR)
          + W_FRESH    * 0.5 ** (age_hours / FRESH_HALF_LIFE_H)
          + W_FOLLOW   * (viewer follows the author)
          + W_PREFERENCE * (cos(post, "more") - cos(post, "less"))
          + W_AFFINITY * (author weight + topic weight)

Time spent watching is not an input: nothing here can see it. Mixing then
decays each further post by an author already placed (diversity) and reserves
a share of slots for new creators. Weights are settings (see docs/FEED.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings


@dataclass
class Candidate:
    post_id: int
    author_id: int
    author_username: str
    created_at: dt.datetime
    views: int = 0
    likes: int = 0
    comments: int = 0
    remixes: int = 0
    inspired: int = 0
    remixes_today: int = 0
    followed: bool = False
    similarity: float | None = None
    author_weight: float = 0.0
    topic_weight: float = 0.0
    new_creator: bool = False
    sources: set[str] = field(default_factory=set)
    score: float = 0.0


@dataclass(frozen=True)
class Weights:
    remix: float
    inspired: float
    like: float
    comment: float
    fresh: float
    fresh_half_life_h: float
    view_prior: int
    follow: float
    preference: float
    affinity: float
    author_decay: float
    new_creator_share: float

    @classmethod
    def from_settings(cls) -> Weights:
        return cls(
            remix=settings.FEED_W_REMIX,
            inspired=settings.FEED_W_INSPIRED,
            like=settings.FEED_W_LIKE,
            comment=settings.FEED_W_COMMENT,
            fresh=settings.FEED_W_FRESH,
            fresh_half_life_h=settings.FEED_FRESH_HALF_LIFE_H,
            view_prior=settings.FEED_VIEW_PRIOR,
            follow=settings.FEED_W_FOLLOW,
            preference=settings.FEED_W_PREFERENCE,
            affinity=settings.FEED_W_AFFINITY,
            author_decay=settings.FEED_AUTHOR_DECAY,
            new_creator_share=settings.FEED_NEW_CREATOR_SHARE,
        )


def score(c: Candidate, w: Weights, now: dt.datetime) -> float:
    per_view = 1.0 / (c.views + w.view_prior)
    age_h = max(0.0, (now - c.created_at).total_seconds() / 3600)
    value = (
        w.remix * c.remixes * per_view
        + w.inspired * c.inspired * per_view
        + w.like * c.likes * per_view
        + w.comment * c.comments * per_view
        + w.fresh * 0.5 ** (age_h / w.fresh_half_life_h)
        + (w.follow if c.followed else 0.0)
        + w.affinity * (c.author_weight + c.topic_weight)
    )
    if c.similarity is not None:
        value += w.preference * c.similarity
    return value


def reason(c: Candidate) -> str:
    """One short line saying why this item is shown (the strongest true reason)."""
    if c.remixes_today >= 2:
        return f"Remixed {c.remixes_today} times today"
    if "your_remixes" in c.sources:
        return "A remix in a thread you are part of"
    if c.followed:
        return f"From @{c.author_username}, whom you follow"
    if "preference" in c.sources and (c.similarity or 0) > 0:
        return "Matches what you asked to see more of"
    if c.author_weight > 0 or c.topic_weight > 0:
        return "Like posts you asked to see more of"
    if c.new_creator:
        return f"New creator @{c.author_username}"
    if c.remixes_today == 1:
        return "Remixed today"
    if c.remixes + c.inspired > 0:
        return "Inspiring people to create"
    return "Fresh on Sora"


def mix(candidates: list[Candidate], w: Weights, limit: int) -> list[Candidate]:
    """Order by score with author diversity, reserving a share of slots for new creators.

    Greedy: each slot takes the best remaining candidate after decaying every
    author's score by `author_decay ** (posts already placed)`; every
    1/share-th slot goes to the best new creator while any remain.
    """
    remaining = sorted(candidates, key=lambda c: c.score, reverse=True)
    placed: dict[int, int] = {}
    out: list[Candidate] = []
    every = round(1 / w.new_creator_share) if w.new_creator_share > 0 else 0
    while remaining and len(out) < limit:
        want_new = every and (len(out) + 1) % every == 0
        pool = [c for c in remaining if c.new_creator] if want_new else []
        pool = pool or remaining
        best = max(pool, key=lambda c: c.score * w.author_decay ** placed.get(c.author_id, 0))
        remaining.remove(best)
        placed[best.author_id] = placed.get(best.author_id, 0) + 1
        out.append(best)
    return out
