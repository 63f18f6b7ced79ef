"""The social graph: who follows whom, who blocked whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


def _pair_constraints(source: str, target: str, prefix: str) -> list[models.BaseConstraint]:
    """One edge per ordered pair of members, and never from a member to themselves."""
    return [
        models.UniqueConstraint(fields=[source, target], name=f"{prefix}_unique"),
        models.CheckConstraint(condition=~models.Q(**{source: models.F(target)}), name=f"{prefix}_not_self"),
    ]


class Follow(models.Model):
    id = SnowflakeField()
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = _pair_constraints("follower", "followee", "accounts_follow")
        # (follower, followee) is the unique index; this one answers "who follows X".
        indexes = [models.Index(fields=["followee", "follower"], name="accounts_follow_followee")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Block(models.Model):
    id = SnowflakeField()
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = _pair_constraints("blocker", "blocked", "accounts_block")
        indexes = [models.Index(fields=["blocked", "blocker"], name="accounts_block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
