"""Versioned policies, stored verdicts, blocklist terms and policy rescans.

A verdict keeps the raw per-category scores next to the decision, so that a
new policy version can re-decide it (`moderation.policies.decide`) without
running any model again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class Policy(models.Model):
    """One version of the thresholds; exactly one row is active at a time."""

    id = SnowflakeField()
    version = models.PositiveIntegerField(unique=True)
    thresholds = models.JSONField(help_text='{"category": {"review": 0.5, "block": 0.8}}')
    teen_thresholds = models.JSONField(help_text="Same shape; stricter values for members under 18.")
    # What a rescan does with stored verdicts of published content that now block.
    rescan_block_action = models.CharField(
        max_length=16,
        choices=[("review", "send to review"), ("hide", "hide pending review")],
        default="review",
    )
    note = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_policy"
            )
        ]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"policy {self.label}{' (active)' if self.active else ''}"

    @property
    def label(self) -> str:
        return f"v{self.version}"


class StoredVerdict(models.Model):
    """Every automated decision, with the scores it was made from."""

    class Kind(models.TextChoices):
        PROMPT = "prompt"
        FRAMES = "frames"

    id = SnowflakeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    subject_kind = models.CharField(max_length=32, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teen = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    frame_count = models.PositiveIntegerField(default=0)
    scores = models.JSONField(default=dict)
    matches = models.JSONField(default=list, help_text="Rights-holder matches: slug, score, choice.")
    model_ids = models.JSONField(default=dict)
    decision = models.CharField(max_length=8)
    flagged = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    policy_version = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "moderation_verdict"
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="verdict_subject")]

    def __str__(self) -> str:
        return f"{self.kind} verdict {self.id}: {self.decision}"


class BlockedTerm(models.Model):
    """A term matched after normalisation (case, accents, leetspeak, spacing)."""

    id = SnowflakeField()
    term = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=32)
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.term} ({self.category})"


class RescanJob(models.Model):
    """Re-deciding stored verdicts under a policy version, in batches, with progress."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"

    id = SnowflakeField()
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="rescans")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0, help_text="Last verdict id re-decided.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rescan {self.id} under {self.policy.label if self.policy_id else '?'}: {self.state}"

    @property
    def progress(self) -> float:
        return 1.0 if not self.total else round(self.done / self.total, 4)
