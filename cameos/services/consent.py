"""Consent: who may cast a cameo. The owner's audience and rules, requests, grants and revocations.

Requests move through `cameos.states.REQUEST_MACHINE`; a block ends consent both ways.
"""

from __future__ import annotations

from django.db import transaction

from cameos import rules as cameo_rules
from cameos import signals
from cameos.models import Audience, Cameo, CameoAccess, CameoRequest, CameoState
from cameos.models.cameo import AUDIENCE_ORDER, narrowest
from cameos.presenters import request_decided_event
from cameos.selectors import may_cast
from cameos.services.decisions import owner_decide
from cameos.services.notifications import notify_owner
from cameos.states import REQUEST_MACHINE
from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_get
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.states import bulk_transition
from sora_social.notifications import kinds as note_kinds


def _audience_cap(owner: User) -> str:
    """The widest audience the owner may choose: teens are capped by their parent's control."""
    controls = Viewer.of(owner).controls
    if controls is None:
        return Audience.EVERYONE
    return controls.cameo_audience_max if controls.cameo_audience_max in AUDIENCE_ORDER else Audience.ONLY_ME


@transaction.atomic
def cameo_update(
    *,
    cameo: Cameo,
    audience: str | None = None,
    rules: str | None = None,
    restrictions: list[str] | None = None,
) -> Cameo:
    cameo = Cameo.objects.select_for_update().select_related("owner").get(pk=cameo.pk)
    fields: list[str] = []
    if audience is not None:
        if audience not in AUDIENCE_ORDER:
            raise ValidationFailed("Unknown audience.", code="invalid_audience")
        cap = _audience_cap(cameo.owner)
        if narrowest(audience, cap) != audience:
            raise ApplicationError(
                "A parental control limits who may use this cameo.",
                code="audience_restricted",
                status=403,
                details={"max": cap},
            )
        cameo.audience = audience
        fields.append("audience")
    if rules is not None:
        cameo.rules = rules.strip()
        fields.append("rules")
    if restrictions is not None:
        unknown = sorted(set(restrictions) - set(cameo_rules.RESTRICTION_CODES))
        if unknown:
            raise ValidationFailed(
                "Unknown restrictions.",
                code="invalid_restrictions",
                details={"restrictions": unknown, "allowed": list(cameo_rules.RESTRICTION_CODES)},
            )
        cameo.restrictions = [c for c in cameo_rules.RESTRICTION_CODES if c in set(restrictions)]
        fields.append("restrictions")
    if fields:
        cameo.save(update_fields=fields)
    return cameo


def _verified(cameo: Cameo) -> None:
    if cameo.state != CameoState.VERIFIED:
        raise Conflict("This cameo is not verified.", code="cameo_not_verified")


@transaction.atomic
def cameo_request_create(*, cameo: Cameo, requester: User, message: str = "") -> CameoRequest:
    _verified(cameo)
    if cameo.owner_id == requester.pk:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    if may_cast(user_id=requester.pk, cameo_id=cameo.pk):
        raise Conflict("You may already use this cameo.", code="already_allowed")
    pending = CameoRequest.objects.filter(cameo=cameo, requester=requester, state=CameoRequest.State.PENDING)
    if pending.exists():
        raise Conflict("You have already asked.", code="request_pending")
    request = CameoRequest.objects.create(cameo=cameo, requester=requester, message=message.strip())
    notify_owner(
        cameo,
        note_kinds.CAMEO_REQUESTED,
        actor_id=requester.pk,
        data={"request_id": str(request.pk), "message": request.message},
    )
    return request


@transaction.atomic
def cameo_request_decide(*, owner_id: int, request_id: object, approve: bool) -> CameoRequest:
    """The owner approves (which grants) or denies a pending request; the requester is told."""
    request = owner_decide(
        REQUEST_MACHINE,
        CameoRequest.objects.filter(cameo__owner_id=owner_id),
        raw_id=request_id,
        to=CameoRequest.State.APPROVED if approve else CameoRequest.State.DENIED,
        subject="A request",
        not_found="request_not_found",
        decided=("This request was already decided.", "request_decided"),
    )
    if approve:
        cameo_grant(cameo=request.cameo, user_id=request.requester_id)
    send_user_event_on_commit(request.requester_id, request_decided_event(request))
    return request


@transaction.atomic
def cameo_grant(*, cameo: Cameo, user_id: int) -> CameoAccess:
    """Let one member use the cameo (also lifts an earlier revocation)."""
    cameo = Cameo.objects.select_for_update().get(pk=cameo.pk)
    _verified(cameo)
    if user_id == cameo.owner_id:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    try:
        user_get(user_id=user_id)
    except NotFound as exc:
        raise NotFound(code="user_not_found") from exc
    access, _ = CameoAccess.objects.update_or_create(
        cameo=cameo, user_id=user_id, defaults={"state": CameoAccess.State.GRANTED}
    )
    return access


@transaction.atomic
def cameo_revoke(*, cameo: Cameo, user_id: int) -> CameoAccess:
    """Shut one member out, whatever the audience; their jobs and drafts with the cameo stop.

    The cameo row is locked FOR UPDATE first: a generation accepting a cast
    holds it FOR KEY SHARE (`may_cast(lock=True)`), so any job accepted before
    this point is committed and visible to the signal's receivers.
    """
    cameo = Cameo.objects.select_for_update().get(pk=cameo.pk)
    if user_id == cameo.owner_id:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    access, _ = CameoAccess.objects.update_or_create(
        cameo=cameo, user_id=user_id, defaults={"state": CameoAccess.State.REVOKED}
    )
    bulk_transition(
        REQUEST_MACHINE,
        CameoRequest.objects.filter(cameo=cameo, requester_id=user_id),
        to=CameoRequest.State.DENIED,
    )
    signals.cameo_access_revoked.send(sender=Cameo, cameo_id=cameo.pk, user_id=user_id)
    return access


def cameo_access_end_for_block(*, blocker_id: int, blocked_id: int) -> list[int]:
    """A block ends consent both ways: grants and pending requests between the two go,
    and each owner's cameo is reported revoked for the other (their jobs and drafts stop).

    Receiver of `sora_social.accounts.signals.user_blocked`, inside the blocking
    transaction. The block itself already makes `may_cast` false; grants are
    deleted (not turned into revocations) so an unblock does not silently
    restore them: the person must ask again.
    """
    pairs = [(blocker_id, blocked_id), (blocked_id, blocker_id)]
    affected: list[int] = []
    for owner_id, other_id in pairs:
        cameo_ids = list(
            Cameo.objects.select_for_update().filter(owner_id=owner_id).values_list("id", flat=True)
        )
        if not cameo_ids:
            continue
        CameoAccess.objects.filter(
            cameo_id__in=cameo_ids, user_id=other_id, state=CameoAccess.State.GRANTED
        ).delete()
        bulk_transition(
            REQUEST_MACHINE,
            CameoRequest.objects.filter(cameo_id__in=cameo_ids, requester_id=other_id),
            to=CameoRequest.State.DENIED,
        )
        for cameo_id in cameo_ids:
            signals.cameo_access_revoked.send(sender=Cameo, cameo_id=cameo_id, user_id=other_id)
            affected.append(cameo_id)
    return affected
