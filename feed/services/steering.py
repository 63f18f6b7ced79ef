"""Steering: "more/less like this" weights and the free-text preference."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from feed.models import FeedPreference
from feed.selectors import post_get
from feed.store import get_store
from sora_social.accounts.models import User
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import ValidationFailed
from sora_social.common.ids import new_id
from sora_social.common.tasks import enqueue_on_commit


@dataclass(frozen=True)
class Steered:
    """The weights a feedback moved (None: not moved; `topic` None: the post has no topic)."""

    author_weight: float | None
    topic: str | None
    topic_weight: float | None


def _move_weight(table: str, column: str, user_id: int, key: int | str, delta: float) -> float:
    limit = settings.FEED_STEER_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, user_id, {column}, weight) VALUES (%s, %s, %s, GREATEST(%s, LEAST(%s, %s)))"  # noqa: S608
            f" ON CONFLICT (user_id, {column}) DO UPDATE SET"
            f" weight = GREATEST(%s, LEAST(%s, {table}.weight + %s)) RETURNING weight",
            [new_id(), user_id, key, -limit, limit, delta, -limit, limit, delta],
        )
        row = cursor.fetchone()
        assert row is not None  # RETURNING of an upsert always has its row
        return float(row[0])


@transaction.atomic
def feedback_record(*, user: User, post_id: object, signal: str) -> Steered:
    """`more`/`less`: move this viewer's weight of the post's author and topic, and re-rank."""
    if signal not in ("more", "less"):
        raise ValidationFailed("signal is more or less.", code="invalid_signal")
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    delta = settings.FEED_STEER_STEP * (1 if signal == "more" else -1)
    author_weight = topic_weight = None
    if post.author_id != user.pk:
        author_weight = _move_weight("feed_author_weight", "author_id", user.pk, post.author_id, delta)
    if post.topic:
        topic_weight = _move_weight("feed_topic_weight", "topic", user.pk, post.topic, delta)
    if signal == "less":
        user_id, dropped = user.pk, [post.id]
        transaction.on_commit(lambda: get_store().for_you_drop(user_id, dropped))

    enqueue_on_commit("feed.refresh_for_you", user_id=user.pk)
    return Steered(author_weight=author_weight, topic=post.topic or None, topic_weight=topic_weight)


@transaction.atomic
def preference_set(*, user: User, text: str) -> FeedPreference:
    """Store a free-text preference; a feed worker embeds it and re-ranks."""
    text = (text or "").strip()
    if len(text) > 500:
        raise ValidationFailed("Preferences are at most 500 characters.", code="preference_too_long")
    pref, _ = FeedPreference.objects.update_or_create(user_id=user.pk, defaults={"text": text})

    enqueue_on_commit("feed.embed_preference", user_id=user.pk)
    return pref
