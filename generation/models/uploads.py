"""Still images uploaded for image-to-video, stored through Django's storage API."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class ImageUpload(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"  # header checked in the request; pixels not yet decoded
        READY = "ready", "Ready"  # decoded in full by a worker, within budget
        REJECTED = "rejected", "Rejected"  # could not be decoded (see `reason`); the file is deleted

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="image_uploads")
    file = models.CharField(max_length=255, help_text="Storage name of the image.")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=40, blank=True, help_text="Why it was rejected, e.g. corrupt_image.")
    decode_attempts = models.PositiveSmallIntegerField(default=0)
    attempted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last decode attempt started."
    )

    class Meta:
        db_table = "generation_image_upload"
        indexes = [
            models.Index(
                fields=["created_at"],
                name="generation_upload_pending_idx",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"upload {self.id} ({self.width}×{self.height})"
