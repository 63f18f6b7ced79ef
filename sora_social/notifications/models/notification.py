"""Notifications: each event, the group it folds into, and each member's inbox (unread counter, muted kinds)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from sora_social.common.ids import SnowflakeField


class NotificationGroup(models.Model):
    """What the list shows: one row per (kind, target) while it is unread ("12 people liked your post").

    A new event joins the member's unread group with the same `key`, or
    starts one; a group once read is closed, and the next event opens a new
    one (the partial unique constraint holds one open group per key).
    """

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=160)
    target_type = models.CharField(max_length=32, blank=True, default="")
    target_id = models.BigIntegerField(null=True, blank=True)
    # Distinct actors (exact while a repeat is among the three most recent).
    count = models.PositiveIntegerField(default=1)
    # The three most recent distinct actors, newest first.
    actor_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # The newest event in the group: the list's order and its cursor.
    latest_id = models.BigIntegerField()
    latest_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications_group"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(read_at__isnull=True), name="notifications_one_open_group"
            )
        ]
        indexes = [models.Index(fields=["user", "-latest_id"], name="notifications_group_list")]

    def __str__(self) -> str:
        return f"{self.kind} x{self.count} → {self.user_id}"


class Notification(models.Model):
    """One event for one member; the same body goes over the WebSocket (and to push) on commit."""

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=32, blank=True, default="")
    target_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    group = models.ForeignKey(NotificationGroup, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "notifications_notification"
        indexes = [
            models.Index(fields=["user", "-id"], name="notifications_user"),
            models.Index(fields=["user", "kind", "-id"], name="notifications_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class Inbox(models.Model):
    """A member's stored unread counter (unread groups) and muted kinds; made on first use."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    unread = models.PositiveIntegerField(default=0)
    muted = ArrayField(models.CharField(max_length=64), default=list, blank=True)

    class Meta:
        db_table = "notifications_inbox"

    def __str__(self) -> str:
        return f"inbox of {self.user_id} ({self.unread} unread)"
