"""The moderators' audit trail (notifications live in `sora_social.notifications`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class AccountAction(models.Model):
    """One moderator (or system) action on accounts: who, when, why, what, how many."""

    class Kind(models.TextChoices):
        SUSPEND = "suspend"
        UNSUSPEND = "unsuspend"
        BAN = "ban"
        INVITES_DISABLE = "invites_disable"
        SUBTREE_FREEZE = "subtree_freeze"
        SUBTREE_SUSPEND = "subtree_suspend"
        SUBTREE_REPARENT = "subtree_reparent"
        ROOT_CODES_ISSUE = "root_codes_issue"
        WAITLIST_ADMIT = "waitlist_admit"
        PARENTAL_LINK_END = "parental_link_end"
        ACCOUNT_DELETE = "account_delete"

    id = SnowflakeField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Null when the system acted (e.g. a scheduled job).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    affected = models.PositiveIntegerField(default=0, help_text="Accounts (or codes/entries) affected.")
    dry_run = models.BooleanField(default=False)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["target", "-created_at"], name="accounts_action_target")]

    def __str__(self) -> str:
        prefix = "dry run: " if self.dry_run else ""
        return f"{prefix}{self.kind} ({self.affected})"
