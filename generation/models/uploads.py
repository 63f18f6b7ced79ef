"""Still images uploaded for image-to-video, stored through Django's storage API."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class ImageUpload(models.Model):
    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="image_uploads")
    file = models.CharField(max_length=255, help_text="Storage name of the image.")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "generation_image_upload"

    def __str__(self) -> str:
        return f"upload {self.id} ({self.width}×{self.height})"
