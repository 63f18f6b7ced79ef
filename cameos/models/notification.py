"""Notifications to a cameo's owner: cast, requested, detected, verdicts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class CameoNotification(models.Model):
    class Kind(models.TextChoices):
        CAST = "cast"
        REQUESTED = "requested"
        DETECTED = "detected"
        VERIFIED = "verified"
        REJECTED = "rejected"
        # Someone tried to use the cameo against the owner's rules (refused).
        RULE_BLOCKED = "rule_blocked"
        # A use waits for the owner's approval (rule `approval_required`).
        APPROVAL = "approval"

    id = SnowflakeField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_notifications"
    )
    cameo = models.ForeignKey("cameos.Cameo", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cameos_notification"
        indexes = [models.Index(fields=["recipient", "-id"], name="cameos_notif_recipient")]

    def __str__(self) -> str:
        return f"{self.kind} on cameo {self.cameo_id} for {self.recipient_id}"
