"""Likes, comments and views: the interactions whose counts live on the post."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class Like(models.Model):
    id = SnowflakeField()
    post = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "feed_like"
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="feed_like_once")]
        indexes = [models.Index(fields=["user", "post"], name="feed_like_user_post")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible"
        REMOVED_BY_AUTHOR = "removed_by_author"
        REMOVED_BY_MODERATION = "removed_by_moderation"

    id = SnowflakeField()
    post = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=1000)
    state = models.CharField(max_length=24, choices=State.choices, default=State.VISIBLE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "feed_comment"
        indexes = [models.Index(fields=["post", "-id"], name="feed_comment_post_recent")]

    def __str__(self) -> str:
        return f"comment {self.id} on {self.post_id}"


class View(models.Model):
    """One impression per viewer per post per day (the counter counts these rows)."""

    id = SnowflakeField()
    post = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "feed_view"
        constraints = [models.UniqueConstraint(fields=["post", "viewer", "day"], name="feed_view_once_a_day")]
        indexes = [models.Index(fields=["viewer", "-created_at"], name="feed_view_viewer_recent")]

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.post_id} on {self.day}"
