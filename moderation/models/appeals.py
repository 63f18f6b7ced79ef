"""Appeals of prompt blocks: the member's appeal, the allowance an overturn grants, and each decision.

A member appeals a generation that the prompt check blocked (one appeal per
subject); the appeal opens a case. Overturning it records a `PromptAllowance`
for that member and the hash of that prompt (normalised), which the prompt
check consults: the same member may run the same prompt again, nobody else and
no other prompt. Every decision is appended to `PromptAppealDecision`, the
training data for the next prompt head (`manage.py export_appeal_decisions`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class PromptAppeal(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        OVERTURNED = "overturned"
        UPHELD = "upheld"

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject_kind = models.CharField(max_length=32, help_text="What was blocked (a generation).")
    subject_id = models.BigIntegerField()
    case = models.ForeignKey(
        "moderation.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="prompt_appeals"
    )
    verdict = models.ForeignKey(
        "moderation.StoredVerdict", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.TextField()
    flagged = models.JSONField(default=list, blank=True, help_text="Categories the blocking verdict flagged.")
    note = models.TextField(help_text="The member's reason, 1 to 1000 characters.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id"], name="one_prompt_appeal_per_subject"
            )
        ]
        indexes = [models.Index(fields=["state", "-id"], name="prompt_appeal_queue")]

    def __str__(self) -> str:
        return f"prompt appeal {self.id} on {self.subject_kind} {self.subject_id} ({self.state})"


class PromptAllowance(models.Model):
    """One member may run one (normalised) prompt that the checks would block: an overturned appeal."""

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    prompt_hash = models.CharField(max_length=64, help_text="sha256 of the normalised prompt.")
    appeal = models.ForeignKey(PromptAppeal, null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(
        "moderation.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "prompt_hash"], name="one_prompt_allowance_per_user_prompt"
            )
        ]

    def __str__(self) -> str:
        return f"allowance {self.prompt_hash[:12]} for {self.user_id}"


class PromptAppealDecision(models.Model):
    """Append-only: each decided appeal, as a labelled example for the next prompt head."""

    id = SnowflakeField()
    appeal = models.ForeignKey(PromptAppeal, null=True, on_delete=models.SET_NULL, related_name="decisions")
    prompt = models.TextField()
    flagged = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=10, choices=PromptAppeal.State.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"appeal decision {self.id} ({self.decision})"
