"""The rights-holder registry: protected characters, franchises and brands, and each holder's choice."""

from __future__ import annotations

from django.db import models

from sora_social.common.ids import SnowflakeField


class RightsHolderEntry(models.Model):
    class Choice(models.TextChoices):
        BLOCK = "block", "block"
        LABEL = "label", "allow with label"

    class Kind(models.TextChoices):
        CHARACTER = "character"
        FRANCHISE = "franchise"
        BRAND = "brand"

    id = SnowflakeField()
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHARACTER)
    rights_holder = models.CharField(max_length=120, help_text="Who owns it and made the choice.")
    aliases = models.JSONField(default=list, blank=True, help_text="Other names, matched like the name.")
    description = models.TextField(blank=True, help_text="Matched against prompts by embedding similarity.")
    choice = models.CharField(max_length=8, choices=Choice.choices, default=Choice.BLOCK)
    label_text = models.CharField(max_length=120, blank=True, help_text="Shown on allowed content.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "rights-holder entry"
        verbose_name_plural = "rights-holder registry"

    def __str__(self) -> str:
        return f"{self.name} ({self.rights_holder})"


class RightsHolderImage(models.Model):
    """A reference image, matched against frames when a CLIP model is loaded."""

    id = SnowflakeField()
    entry = models.ForeignKey(RightsHolderEntry, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="moderation/rights/")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"image of {self.entry_id}"
