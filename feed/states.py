"""A post's states and the one table of legal moves between them.

`services` changes a post's state only through moves listed here (single posts
under a row lock, sets of posts by one UPDATE whose WHERE names the legal
source states). Removed states are final except where moderation restores.
"""

from __future__ import annotations

from django.db import models


class PostState(models.TextChoices):
    PUBLISHED = "published"
    REMOVED_BY_AUTHOR = "removed_by_author"
    REMOVED_BY_MODERATION = "removed_by_moderation"
    REMOVED_BY_LIKENESS_OWNER = "removed_by_likeness_owner"
    HIDDEN_PENDING_REVIEW = "hidden_pending_review"


S = PostState

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PUBLISHED: frozenset(
        {S.REMOVED_BY_AUTHOR, S.REMOVED_BY_MODERATION, S.REMOVED_BY_LIKENESS_OWNER, S.HIDDEN_PENDING_REVIEW}
    ),
    # Hidden because an ancestor was removed for a policy violation: review
    # restores it (published) or removes it; its author may still delete it,
    # and a likeness owner may still take it down.
    S.HIDDEN_PENDING_REVIEW: frozenset(
        {S.PUBLISHED, S.REMOVED_BY_AUTHOR, S.REMOVED_BY_MODERATION, S.REMOVED_BY_LIKENESS_OWNER}
    ),
    # A moderation removal can be undone on appeal; nothing else comes back.
    S.REMOVED_BY_MODERATION: frozenset({S.PUBLISHED}),
    S.REMOVED_BY_AUTHOR: frozenset(),
    S.REMOVED_BY_LIKENESS_OWNER: frozenset(),
}

REMOVED: frozenset[str] = frozenset(
    {S.REMOVED_BY_AUTHOR, S.REMOVED_BY_MODERATION, S.REMOVED_BY_LIKENESS_OWNER}
)


def sources_of(target: str) -> list[str]:
    """The states from which a move to `target` is legal (for set-based UPDATEs)."""
    return sorted(state for state, targets in TRANSITIONS.items() if target in targets)


def can_move(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


class Visibility(models.TextChoices):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    CHOSEN = "chosen"
    PRIVATE = "private"


class Rating(models.TextChoices):
    GENERAL = "general"
    MATURE = "mature"
