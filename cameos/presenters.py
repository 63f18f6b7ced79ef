"""The one place that shapes the cameos app's output: API bodies and WebSocket events, as plain dicts.

Pure functions of rows (`<thing>_out`) and of event facts (`<thing>_event`);
views, services and the admin never build these dicts themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cameos.models import Appearance, Cameo, CameoAccess, CameoRequest, CameoUseApproval

if TYPE_CHECKING:
    from sora_social.notifications.models import Notification

# Reasons that would tell the uploader something about another member: that the
# face they recorded is already someone's verified cameo. The uploader sees a
# generic failure; moderators see the stored reason (admin, `Cameo.reasons`).
PRIVATE_REASONS = frozenset({"already_enrolled"})
GENERIC_REASON = "verification_failed"


def member_reasons(reasons: list[str]) -> list[str]:
    """The rejection reasons as the uploader may see them."""
    shown = {GENERIC_REASON if r in PRIVATE_REASONS else r for r in reasons}
    return sorted(shown)


def cameo_out(cameo: Cameo, *, viewer_id: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(cameo.pk),
        "owner_id": str(cameo.owner_id),
        "state": cameo.state,
        "audience": cameo.audience,
        "rules": cameo.rules,
        "restrictions": list(cameo.restrictions),
        "created_at": cameo.created_at,
        "verified_at": cameo.verified_at,
    }
    if cameo.owner_id == viewer_id:
        # The challenge and rejection reasons are the owner's business only.
        body["challenge"] = cameo.challenge if cameo.state == "awaiting_recording" else None
        # Reasons naming another member's enrolment stay with moderators.
        body["reasons"] = member_reasons(cameo.reasons)
    return body


def appearance_out(appearance: Appearance) -> dict[str, Any]:
    return {
        "id": str(appearance.pk),
        "kind": appearance.kind,
        "object_id": str(appearance.object_id),
        "creator_id": str(appearance.creator_id) if appearance.creator_id else None,
        "source": appearance.source,
        "score": appearance.score,
        "created_at": appearance.created_at,
    }


def request_out(request: CameoRequest) -> dict[str, Any]:
    return {
        "id": str(request.pk),
        "cameo_id": str(request.cameo_id),
        "requester_id": str(request.requester_id),
        "message": request.message,
        "state": request.state,
        "created_at": request.created_at,
        "decided_at": request.decided_at,
    }


def notification_out(note: Notification) -> dict[str, Any]:
    """An item of the deprecated `/me/cameo-notifications`, in its old shape, from the one table."""
    data = {k: v for k, v in note.payload.items() if k not in ("cameo_id", "state")}
    return {
        "id": str(note.pk),
        "kind": note.kind.removeprefix("cameo."),
        "cameo_id": str(note.target_id),
        "actor_id": str(note.actor_id) if note.actor_id else None,
        "data": data,
        "created_at": note.created_at,
        "read_at": note.group.read_at,
    }


def approval_out(approval: CameoUseApproval) -> dict[str, Any]:
    return {
        "id": str(approval.pk),
        "cameo_id": str(approval.cameo_id),
        "requester_id": str(approval.requester_id),
        "kind": approval.kind,
        "object_id": str(approval.object_id),
        "prompt": approval.prompt,
        "state": approval.state,
        "created_at": approval.created_at,
        "decided_at": approval.decided_at,
    }


def access_out(access: CameoAccess, *, with_changed_at: bool = True) -> dict[str, Any]:
    """One grant or revocation (the grant answer leaves out `changed_at`)."""
    body: dict[str, Any] = {"user_id": str(access.user_id), "state": access.state}
    if with_changed_at:
        body["changed_at"] = access.changed_at
    return body


def notifications_marked_out(marked: int) -> dict[str, Any]:
    """The answer to marking notifications read: how many were marked."""
    return {"marked": marked}


def request_decided_event(request: CameoRequest) -> dict[str, Any]:
    """The requester's WebSocket event when the owner decided their request."""
    return {
        "type": "cameo.request_decided",
        "id": str(request.pk),
        "cameo_id": str(request.cameo_id),
        "state": request.state,
    }
