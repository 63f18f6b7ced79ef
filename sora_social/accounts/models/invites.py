"""Invite codes, every attempt to redeem one, and the waitlist."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sora_social.common.ids import SnowflakeField


class InviteCode(models.Model):
    class State(models.TextChoices):
        AVAILABLE = "available"
        REDEEMED = "redeemed"
        DISABLED = "disabled"

    id = SnowflakeField()
    # Stored normalised: upper case, no separators (shown as XXXX-XXXX-XXXX).
    code = models.CharField(max_length=32, unique=True)
    # Null for root codes issued by staff: whoever redeems one becomes a tree root.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="invite_codes"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.AVAILABLE)
    redeemed_by = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="redeemed_invite",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True, help_text="Why a root code was issued, or to whom.")

    class Meta:
        indexes = [models.Index(fields=["owner", "state"], name="accounts_invite_owner_state")]
        permissions = [("issue_invites", "Can issue root invite codes (capped per action and per day)")]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class InviteAttempt(models.Model):
    """Every signup that presented a code, kept for the abuse signals and the throttle log."""

    class Outcome(models.TextChoices):
        REDEEMED = "redeemed"
        UNKNOWN = "unknown"
        ALREADY_USED = "already_used"
        DISABLED = "disabled"
        THROTTLED = "throttled"
        REFUSED = "refused"  # a valid code, but the signup failed for another reason

    id = SnowflakeField()
    code_tried = models.CharField(max_length=32)
    code = models.ForeignKey(
        InviteCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Networks, not addresses, make the "many networks" signal: /24 (IPv4) or /48 (IPv6).
    network = models.CharField(max_length=64, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["code", "created_at"], name="accounts_attempt_code")]

    def __str__(self) -> str:
        return f"{self.code_tried} from {self.ip}: {self.outcome}"


class WaitlistEntry(models.Model):
    id = SnowflakeField()
    email = models.EmailField(unique=True)
    region = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    code = models.OneToOneField(
        InviteCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist_entry"
    )

    class Meta:
        verbose_name_plural = "waitlist"
        permissions = [("open_waitlist_wave", "Can admit a waitlist wave (issues and e-mails root codes)")]
        indexes = [
            # The next wave of a region: oldest entries not yet admitted.
            models.Index(
                fields=["region", "id"],
                name="accounts_waitlist_waiting",
                condition=models.Q(admitted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.region})"
