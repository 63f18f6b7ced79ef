"""Use approvals: the owner's word on each use of a cameo whose rules ask to approve every video.

Approvals move through `cameos.states.USE_APPROVAL_MACHINE`; generation hears
the decision (`cameos.signals.cameo_use_decided`).
"""

from __future__ import annotations

from django.db import transaction

from cameos import signals
from cameos.models import Cameo, CameoUseApproval
from cameos.services.decisions import owner_decide
from cameos.services.notifications import notify_owner
from cameos.states import USE_APPROVAL_MACHINE
from sora_social.notifications import kinds as note_kinds


@transaction.atomic
def use_approvals_request(
    *, cameo_ids: list[int], requester_id: int, kind: str, object_id: int, prompt: str
) -> list[CameoUseApproval]:
    """Ask each owner to approve this one use (idempotent per cameo and object)."""
    made: list[CameoUseApproval] = []
    for cameo in Cameo.objects.filter(pk__in=cameo_ids):
        approval, created = CameoUseApproval.objects.get_or_create(
            cameo=cameo,
            kind=kind,
            object_id=object_id,
            defaults={"requester_id": requester_id, "prompt": prompt[:1000]},
        )
        if created:
            notify_owner(
                cameo,
                note_kinds.CAMEO_APPROVAL,
                actor_id=requester_id,
                data={
                    "approval_id": str(approval.pk),
                    "kind": kind,
                    "object_id": str(object_id),
                    "prompt": prompt[:500],
                },
            )
        made.append(approval)
    return made


@transaction.atomic
def use_approval_decide(*, owner_id: int, approval_id: object, approve: bool) -> CameoUseApproval:
    """The owner approves or denies one pending use; generation hears it (`cameo_use_decided`)."""
    approval = owner_decide(
        USE_APPROVAL_MACHINE,
        CameoUseApproval.objects.filter(cameo__owner_id=owner_id),
        raw_id=approval_id,
        to=CameoUseApproval.State.APPROVED if approve else CameoUseApproval.State.DENIED,
        subject="A use approval",
        not_found="approval_not_found",
        decided=("This use was already decided.", "approval_decided"),
    )
    signals.cameo_use_decided.send(
        sender=Cameo,
        cameo_id=approval.cameo_id,
        kind=approval.kind,
        object_id=approval.object_id,
        approved=approve,
    )
    return approval
