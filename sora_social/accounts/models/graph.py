"""The social graph: who follows whom, who blocked whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


def _edge_rules(
    source: str, target: str, prefix: str
) -> tuple[list[models.BaseConstraint], list[models.Index]]:
    """The edge's constraints, and the index that answers "who points at X" (the unique one
    answers the other way)."""
    constraints = [
        models.UniqueConstraint(fields=[source, target], name=f"{prefix}_unique"),
        models.CheckConstraint(condition=~models.Q(**{source: models.F(target)}), name=f"{prefix}_not_self"),
    ]
    return constraints, [models.Index(fields=[target, source], name=f"{prefix}_{target}")]


class Follow(models.Model):
    id = SnowflakeField()
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints, indexes = _edge_rules("follower", "followee", "accounts_follow")

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Block(models.Model):
    id = SnowflakeField()
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints, indexes = _edge_rules("blocker", "blocked", "accounts_block")

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
