"""Output shapes of the cameos API, as plain dicts (no model serializers on list paths)."""

from __future__ import annotations

from typing import Any

from cameos.models import Appearance, Cameo, CameoNotification, CameoRequest, CameoUseApproval
from cameos.services import member_reasons


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


def notification_out(note: CameoNotification) -> dict[str, Any]:
    return {
        "id": str(note.pk),
        "kind": note.kind,
        "cameo_id": str(note.cameo_id),
        "actor_id": str(note.actor_id) if note.actor_id else None,
        "data": note.data,
        "created_at": note.created_at,
        "read_at": note.read_at,
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
