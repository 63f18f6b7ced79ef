"""A cameo: one member's verified likeness and its audience (the enrolment machine is `cameos.states`)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q

from cameos.states import CameoState
from sora_social.common.ids import SnowflakeField

# States in which a member "has" a cameo; at most one per member.
LIVE_STATES = (CameoState.AWAITING_RECORDING, CameoState.PROCESSING, CameoState.VERIFIED)


class Audience(models.TextChoices):
    """Who may cast a cameo, narrowest first (the order is used to clamp)."""

    ONLY_ME = "only_me"
    APPROVED = "approved"
    MUTUALS = "mutuals"
    EVERYONE = "everyone"


AUDIENCE_ORDER: list[str] = [Audience.ONLY_ME, Audience.APPROVED, Audience.MUTUALS, Audience.EVERYONE]


def narrowest(a: str, b: str) -> str:
    return AUDIENCE_ORDER[min(AUDIENCE_ORDER.index(a), AUDIENCE_ORDER.index(b))]


def biometric_storage() -> Storage:
    """Enrolment recordings and face crops live in their own storage, which has no URLs (rule 10)."""
    return storages["biometric"]


# Random directories, never the cameo id: even the biometric storage's names are not guessable.
def recording_path(instance: Cameo, filename: str) -> str:
    return f"cameos/{secrets.token_urlsafe(18)}/recording{_ext(filename)}"


def reference_path(instance: Cameo, filename: str) -> str:
    return f"cameos/{secrets.token_urlsafe(18)}/reference.png"


def _ext(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:8] if dot >= 0 else ""


class Cameo(models.Model):
    id = SnowflakeField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameos")
    state = models.CharField(max_length=24, choices=CameoState.choices, default=CameoState.AWAITING_RECORDING)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    # {"moves": ["left", ...], "phrase": "...", "phrase_window_s": [start, end], "issued_at": iso}
    challenge = models.JSONField(default=dict)
    # Machine-readable rejection reasons, e.g. ["identity_changed", "no_speech"].
    reasons = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.ONLY_ME)
    # Free-text owner rules ("no political content"), checked by generation against prompts.
    rules = models.TextField(blank=True, default="")
    # Structured owner rules: codes of `cameos.rules.RESTRICTIONS` ("no_political", ...).
    restrictions = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    recording = models.FileField(
        upload_to=recording_path, storage=biometric_storage, blank=True, max_length=200
    )
    reference_image = models.FileField(
        upload_to=reference_path, storage=biometric_storage, blank=True, max_length=200
    )
    # Which face model produced this cameo's registry rows (e.g. "dlib_128").
    embedding_model = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # Verification runs started (first delivery and every reconciler re-send); a
    # recording that keeps killing or stalling its worker ends after CAMEOS_VERIFY_MAX_ATTEMPTS.
    verify_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "cameos_cameo"
        permissions = [
            ("view_biometrics", "Can view biometric data (recordings, face crops, gallery photos); audited")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(state__in=LIVE_STATES), name="cameos_one_live_cameo_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"cameo {self.pk} of {self.owner_id} ({self.state})"
