"""Consent rows: explicit grants and revocations, and requests to use a cameo."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cameos.states import DecisionState
from sora_social.common.ids import SnowflakeField


class CameoAccess(models.Model):
    """The owner's explicit word about one member: granted, or revoked.

    A grant opens an `approved` (or wider) cameo to that member; a revocation
    shuts them out even when the audience is `mutuals` or `everyone`.
    """

    class State(models.TextChoices):
        GRANTED = "granted"
        REVOKED = "revoked"

    id = SnowflakeField()
    cameo = models.ForeignKey("cameos.Cameo", on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_accesses"
    )
    state = models.CharField(max_length=8, choices=State.choices)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "cameos_access"
        # The consent selector looks up (cameo, user) once per cast.
        constraints = [models.UniqueConstraint(fields=["cameo", "user"], name="cameos_access_one_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} on cameo {self.cameo_id}"


class CameoRequest(models.Model):
    # Moves only through `cameos.states.REQUEST_MACHINE`.
    State = DecisionState

    id = SnowflakeField()
    cameo = models.ForeignKey("cameos.Cameo", on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_requests_made"
    )
    message = models.CharField(max_length=280, blank=True, default="")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cameos_request"
        constraints = [
            models.UniqueConstraint(
                fields=["cameo", "requester"],
                condition=models.Q(state="pending"),
                name="cameos_one_pending_request",
            )
        ]
        indexes = [models.Index(fields=["cameo", "state", "-id"], name="cameos_req_cameo_state")]

    def __str__(self) -> str:
        return f"request by {self.requester_id} for cameo {self.cameo_id} ({self.state})"


class CameoUseApproval(models.Model):
    """The owner's word on one specific use of a cameo whose rules ask to approve every video.

    One row per (cameo, generation): the generation waits (`needs_approval`)
    until every such owner approved; a denial refuses it. The prompt is kept so
    the owner decides on what will be made, and so moderators can see it.
    """

    # Moves only through `cameos.states.USE_APPROVAL_MACHINE`.
    State = DecisionState

    id = SnowflakeField()
    cameo = models.ForeignKey("cameos.Cameo", on_delete=models.CASCADE, related_name="use_approvals")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, default="generation")
    object_id = models.BigIntegerField()
    prompt = models.TextField(blank=True, default="")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cameos_use_approval"
        constraints = [
            models.UniqueConstraint(fields=["cameo", "kind", "object_id"], name="cameos_one_approval_per_use")
        ]
        indexes = [
            models.Index(fields=["cameo", "state", "-id"], name="cameos_approval_cameo_state"),
            models.Index(fields=["kind", "object_id"], name="cameos_approval_object"),
        ]

    def __str__(self) -> str:
        return f"use of cameo {self.cameo_id} in {self.kind} {self.object_id} ({self.state})"
