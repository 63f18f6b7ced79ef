"""Devices that receive push: one row per provider token."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class PushDevice(models.Model):
    class Platform(models.TextChoices):
        IOS = "ios"  # APNs
        ANDROID = "android"  # FCM

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=8, choices=Platform.choices)
    # A token names one app install; it moves to whoever registers it last.
    token = models.CharField(max_length=512)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications_device"
        constraints = [
            models.UniqueConstraint(fields=["platform", "token"], name="notifications_device_token")
        ]
        indexes = [models.Index(fields=["user"], name="notifications_device_user")]

    def __str__(self) -> str:
        return f"{self.platform} device of {self.user_id}"
