"""A post's states and the one declared machine of legal moves between them.

`feed.services` changes a post's state only through `POST_MACHINE`: single
posts with `sora_social.common.states.transition` (row lock, guarded UPDATE),
sets of posts by one UPDATE whose `WHERE state IN (…)` is
`POST_MACHINE.sources_of(target)` (`bulk_transition`, or the removal and
restore statements that also carry descendants). Removed states are final
except where moderation restores.
"""

from __future__ import annotations

from django.db import models

from sora_social.common.states import Machine


class PostState(models.TextChoices):
    PUBLISHED = "published"
    REMOVED_BY_AUTHOR = "removed_by_author"
    REMOVED_BY_MODERATION = "removed_by_moderation"
    REMOVED_BY_LIKENESS_OWNER = "removed_by_likeness_owner"
    HIDDEN_PENDING_REVIEW = "hidden_pending_review"


S = PostState

# A live post (published, or hidden pending review) can be removed in any of three ways.
_REMOVALS = {S.REMOVED_BY_AUTHOR, S.REMOVED_BY_MODERATION, S.REMOVED_BY_LIKENESS_OWNER}

POST_MACHINE = Machine(
    name="feed.post",
    states=PostState,
    # A remix of a post removed by moderation (or hidden) is born hidden pending review.
    initial={S.PUBLISHED, S.HIDDEN_PENDING_REVIEW},
    moves={
        S.PUBLISHED: {*_REMOVALS, S.HIDDEN_PENDING_REVIEW},
        # Hidden because an ancestor was removed for a policy violation: review
        # restores it (published) or removes it; its author may still delete it,
        # and a likeness owner may still take it down.
        S.HIDDEN_PENDING_REVIEW: {S.PUBLISHED, *_REMOVALS},
        # A moderation removal can be undone on appeal; nothing else comes back.
        S.REMOVED_BY_MODERATION: {S.PUBLISHED},
        S.REMOVED_BY_AUTHOR: set(),
        S.REMOVED_BY_LIKENESS_OWNER: set(),
    },
    terminal={S.REMOVED_BY_AUTHOR, S.REMOVED_BY_LIKENESS_OWNER},
)


class Visibility(models.TextChoices):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    CHOSEN = "chosen"
    PRIVATE = "private"


class Rating(models.TextChoices):
    GENERAL = "general"
    MATURE = "mature"
