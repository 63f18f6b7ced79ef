"""Appearances: every generation and post that carries a cameo's likeness.

A typed reference (`kind` + `object_id`) rather than a foreign key, because
generations and posts live in apps above this one; they write rows through
`cameos.services.appearance_record` and hear about removals through
`cameos.signals`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sora_social.common.ids import SnowflakeField


class Appearance(models.Model):
    class Kind(models.TextChoices):
        GENERATION = "generation"
        POST = "post"

    class Source(models.TextChoices):
        CAST = "cast"
        DETECTED = "detected"

    class State(models.TextChoices):
        ACTIVE = "active"
        REMOVED = "removed"

    id = SnowflakeField()
    cameo = models.ForeignKey("cameos.Cameo", on_delete=models.CASCADE, related_name="appearances")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # Who made the generation or post (so the owner sees whose draft it is).
    creator_id = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    # Face distance for detected appearances (lower is closer); null when cast.
    score = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cameos_appearance"
        permissions = [("remove_appearance", "Can remove a video with a likeness for everyone")]
        constraints = [
            models.UniqueConstraint(fields=["cameo", "kind", "object_id"], name="cameos_appearance_once"),
        ]
        indexes = [
            # The owner's list (active, newest first).
            models.Index(fields=["cameo", "-id"], condition=Q(state="active"), name="cameos_app_active"),
            # "Which cameos are in this video?" from generation and feed.
            models.Index(fields=["kind", "object_id"], name="cameos_app_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} carries cameo {self.cameo_id} ({self.source})"
