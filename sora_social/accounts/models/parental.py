"""Parental links between a parent account and a teen account, and the teen's controls."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class CameoAudience(models.TextChoices):
    """Who may cast a cameo, narrowest first (the order is used to compare them)."""

    ONLY_ME = "only_me"
    APPROVED = "approved"
    MUTUALS = "mutuals"
    EVERYONE = "everyone"


CAMEO_AUDIENCE_ORDER = [c.value for c in CameoAudience]


class DmAudience(models.TextChoices):
    """Who may message a teen while their DMs are on (rule 5 applies either way: adults only
    when the teen follows them)."""

    EVERYONE = "everyone"
    MUTUALS = "mutuals"


class ParentalLink(models.Model):
    """pending (code handed to the teen) → confirming (teen accepted; the parent confirms by e-mail)
    → active; moderators end a link (revoked)."""

    class State(models.TextChoices):
        PENDING = "pending"
        CONFIRMING = "confirming"
        ACTIVE = "active"
        REVOKED = "revoked"

    id = SnowflakeField()
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    teen = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # One-time code the parent hands to the teen; cleared once accepted.
    code = models.CharField(max_length=32, unique=True, null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the single-use code e-mailed to the parent; cleared once confirmed.
    confirm_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # A teen has at most one parental link, active or being confirmed.
            models.UniqueConstraint(
                fields=["teen"],
                condition=models.Q(state__in=["active", "confirming"]),
                name="accounts_parental_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.teen_id or 'pending'} ({self.state})"


class TeenSettings(models.Model):
    """A teen's controls. A teen without a row has the defaults (see selectors.teen_controls)."""

    teen = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="teen_settings"
    )
    daily_feed_budget = models.PositiveIntegerField(help_text="Minutes of feed a day.")
    personalization_enabled = models.BooleanField(default=True)
    dms_enabled = models.BooleanField(default=True)
    dms_audience = models.CharField(max_length=16, choices=DmAudience.choices, default=DmAudience.EVERYONE)
    cameo_audience_max = models.CharField(
        max_length=16, choices=CameoAudience.choices, default=CameoAudience.ONLY_ME
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "teen settings"

    def __str__(self) -> str:
        return f"controls of {self.teen_id}"
