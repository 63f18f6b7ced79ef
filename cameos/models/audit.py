"""The audit trail of staff looking at biometric data (rule 10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class BiometricAccess(models.Model):
    """One staff member viewed one biometric file in the admin: who, what, when, from where.

    Written before the bytes are sent; never edited or deleted from the admin.
    """

    class Subject(models.TextChoices):
        CAMEO = "cameo"
        PUBLIC_FIGURE = "public_figure"

    id = SnowflakeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_kind = models.CharField(max_length=16, choices=Subject.choices)
    subject_id = models.BigIntegerField()
    # The owner of the data at the time (a cameo's member), kept as a plain id.
    owner_id = models.BigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=32, help_text="recording, reference_image or photo")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "cameos_biometric_access"
        indexes = [
            models.Index(
                fields=["subject_kind", "subject_id", "-created_at"], name="cameos_bioaccess_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} viewed {self.subject_kind} {self.subject_id} {self.field}"
