"""Materialised feeds (the table fallback of the Redis store), steering weights,
preferences, teen budgets and drafts whose consent was withdrawn."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from pgvector.django import VectorField

from feed.models.posts import TEXT_EMBEDDING_DIM
from sora_social.common.ids import SnowflakeField


class _FeedEntry(models.Model):
    """A post in a member's materialised feed (the table store); ids only, no foreign keys."""

    id = SnowflakeField()
    user_id = models.BigIntegerField()
    post_id = models.BigIntegerField()

    class Meta:
        abstract = True


class ForYouEntry(_FeedEntry):
    """One ranked candidate of a member's For you feed (when no Redis is configured).

    `user_id` 0 holds the shared fallback set served to members not ranked yet.
    """

    position = models.PositiveIntegerField()
    score = models.FloatField()
    reason = models.CharField(max_length=120)

    class Meta:
        db_table = "feed_for_you_entry"
        constraints = [models.UniqueConstraint(fields=["user_id", "position"], name="feed_for_you_position")]

    def __str__(self) -> str:
        return f"{self.user_id}#{self.position}: {self.post_id}"


class ForYouState(models.Model):
    """When a member's For you set was last ranked (table store)."""

    user_id = models.BigIntegerField(primary_key=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        db_table = "feed_for_you_state"

    def __str__(self) -> str:
        return f"{self.user_id} ranked at {self.refreshed_at}"


class FollowingEntry(_FeedEntry):
    """A fanned-out post in a member's Following list (table store), capped per member."""

    class Meta:
        db_table = "feed_following_entry"
        constraints = [models.UniqueConstraint(fields=["user_id", "post_id"], name="feed_following_once")]
        indexes = [models.Index(fields=["user_id", "-post_id"], name="feed_following_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.post_id}"


class _SteeringWeight(models.Model):
    """How much more (positive) or less (negative) of one thing a member asked for; moved by
    more/less steering, within FEED_STEER_LIMIT."""

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(default=0.0)

    class Meta:
        abstract = True


class AuthorWeight(_SteeringWeight):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "feed_author_weight"
        constraints = [models.UniqueConstraint(fields=["user", "author"], name="feed_author_weight_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → @{self.author_id}: {self.weight:+.1f}"


class TopicWeight(_SteeringWeight):
    topic = models.CharField(max_length=40)

    class Meta:
        db_table = "feed_topic_weight"
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="feed_topic_weight_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → #{self.topic}: {self.weight:+.1f}"


class FeedPreference(models.Model):
    """A member's free-text preference and its embeddings (what they want more and less of)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500, blank=True)
    more = VectorField(dimensions=TEXT_EMBEDDING_DIM, null=True, blank=True)
    less = VectorField(dimensions=TEXT_EMBEDDING_DIM, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    embedded_text = models.CharField(
        max_length=500, blank=True, help_text="The text the vectors were made from."
    )

    class Meta:
        db_table = "feed_preference"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text!r}"


class FeedBudget(models.Model):
    """Feed items served to a teen on one day (server-side budget)."""

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    served = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "feed_budget"
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="feed_budget_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.served}"


class UnpublishableDraft(models.Model):
    """A finished generation its owner may no longer publish: a cameo's owner withdrew consent."""

    job_id = models.BigIntegerField(primary_key=True)
    cameo_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "feed_unpublishable_draft"

    def __str__(self) -> str:
        return f"job {self.job_id} (cameo {self.cameo_id} withdrawn)"
