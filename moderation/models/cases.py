"""Reports, cases, actions, strikes, moderator groups and the audit log.

A case is the unit of moderator work: one open case per subject (typed
reference kind + id), into which every report on that subject folds. Actions
are recorded as rows (event-sourced: the subject's moderation state is the sum
of its actions) and reach the owning app only through `content_actioned`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class CaseState(models.TextChoices):
    OPEN = "open"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    APPEALED = "appealed"


class ModeratorGroup(models.Model):
    """Moderators who may work the cases of some categories."""

    id = SnowflakeField()
    name = models.CharField(max_length=80, unique=True)
    categories = models.JSONField(default=list, help_text="Category codes this group may see and act on.")
    account_actions = models.BooleanField(
        default=False, help_text="May also warn, strike, suspend, ban and freeze invite subtrees."
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="moderator_groups")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    id = SnowflakeField()
    subject_kind = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    category = models.CharField(max_length=32)
    state = models.CharField(max_length=10, choices=CaseState.choices, default=CaseState.OPEN)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    priority = models.FloatField(default=0.0, db_index=True)
    severity = models.FloatField(default=1.0)
    reach = models.PositiveIntegerField(default=0)
    reporter_trust = models.FloatField(default=0.0, help_text="Sum of the trust of distinct reporters.")
    report_count = models.PositiveIntegerField(default=0)
    fast_track = models.BooleanField(default=False)
    source = models.CharField(max_length=16, default="report", help_text="report, classifier or moderator.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.ForeignKey(
        "moderation.StoredVerdict", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_kind", "subject_id"], name="case_subject"),
            models.Index(fields=["state", "-priority"], name="case_queue"),
        ]
        constraints = [
            # Duplicate reports fold into the one unresolved case of a subject.
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id"],
                condition=~models.Q(state="resolved"),
                name="one_unresolved_case_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"case {self.id}: {self.subject_kind} {self.subject_id} ({self.category}, {self.state})"


class Report(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending"
        UPHELD = "upheld"
        DISMISSED = "dismissed"

    id = SnowflakeField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject_kind = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    reason = models.CharField(max_length=32)
    details = models.TextField(blank=True)
    trust = models.FloatField(default=1.0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "reporter"], name="one_report_per_reporter_per_case")
        ]
        indexes = [models.Index(fields=["reporter", "outcome"], name="report_reporter_outcome")]

    def __str__(self) -> str:
        return f"report {self.id} ({self.reason})"


class ModerationAction(models.Model):
    """One action on a subject or an account; the subject's state is the sum of these."""

    id = SnowflakeField()
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    subject_kind = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    action = models.CharField(max_length=16)
    reason = models.CharField(max_length=500)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="action_subject")]

    def __str__(self) -> str:
        return f"{self.action} on {self.subject_kind} {self.subject_id}"


class Strike(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active"
        APPEALED = "appealed"
        UPHELD = "upheld"
        OVERTURNED = "overturned"

    id = SnowflakeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="strikes")
    action = models.ForeignKey(
        ModerationAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=32)
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    appeal_deadline = models.DateTimeField()
    appeal_text = models.TextField(blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"], name="strike_user")]

    def __str__(self) -> str:
        return f"strike {self.id} on {self.user_id} ({self.state})"


class AuditEvent(models.Model):
    """Every moderator action and every automated decision; never updated."""

    id = SnowflakeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for automated decisions.",
    )
    event = models.CharField(max_length=40)
    subject_kind = models.CharField(max_length=32, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit")
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event} by {self.actor_id or 'system'}"
