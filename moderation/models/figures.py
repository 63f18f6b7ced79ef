"""The public-figures registry: real people whose likeness or voice must not be faked."""

from __future__ import annotations

from django.db import models

from sora_social.common.ids import SnowflakeField


class PublicFigureEntry(models.Model):
    """One real person, matched in prompts by name and aliases (loaded from `moderation/data/public_figures.jsonl`)."""

    class Kind(models.TextChoices):
        HEAD_OF_STATE = "head_of_state", "head of state or government"
        POLITICIAN = "politician"
        ENTERTAINER = "entertainer"
        ATHLETE = "athlete"
        BUSINESS = "business"
        OTHER = "other"

    id = SnowflakeField()
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Short forms, nicknames, misspellings, other spellings."
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 (EU for EU/UN/NATO officials, XK for Kosovo)."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "public figure"
        verbose_name_plural = "public-figures registry"
        indexes = [models.Index(fields=["kind", "country"], name="mod_figure_kind_country")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name
