"""Strikes and appeals: a member appeals within the window; a moderator upholds or overturns."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from moderation import registry
from moderation.models import Case, CaseState, ModerationAction, Strike
from moderation.presenters import strike_decided_payload
from moderation.selectors.permissions import may_act
from moderation.services.actions import send_content_actioned
from moderation.services.audit import audit
from moderation.services.cases import case_move
from moderation.signals import HIDE, REMOVE, RESTORE
from sora_social.accounts.models import User
from sora_social.accounts.services import notification_create
from sora_social.common.errors import Conflict, NotFound, ValidationFailed
from sora_social.notifications import kinds


@transaction.atomic
def strike_appeal(*, strike_id: int | None, user: User, text: str) -> Strike:
    """A member appeals their strike within the window; the case goes back to the queue."""
    strike = Strike.objects.select_for_update().filter(pk=strike_id, user=user).first() if strike_id else None
    if strike is None:
        raise NotFound()
    if strike.state != Strike.State.ACTIVE:
        raise Conflict("This strike was already appealed.", code="already_appealed")
    if timezone.now() > strike.appeal_deadline:
        raise Conflict("The appeal window has closed.", code="appeal_window_closed")
    if not text.strip():
        raise ValidationFailed(details={"text": ["Say why the decision was wrong."]})
    strike.state, strike.appeal_text, strike.appealed_at = Strike.State.APPEALED, text[:4000], timezone.now()
    strike.save()
    if strike.case_id:
        case = Case.objects.select_for_update().get(pk=strike.case_id)
        if case.state == CaseState.RESOLVED:
            case_move(case, CaseState.APPEALED, actor=user, reason="appeal")
    audit(event="strike.appealed", actor=user, case=strike.case, reason=text[:200], strike_id=str(strike.id))
    return strike


def _restore_after_overturn(case: Case, *, strike: Strike, actor: User, reason: str) -> None:
    """Overturning a strike restores the subject if the case removed or hid it."""
    if not case.actions.filter(action__in=[REMOVE, HIDE]).exists():
        return
    ref = registry.SubjectRef(case.subject_kind, case.subject_id)
    ModerationAction.objects.create(
        case=case,
        subject_kind=ref.kind,
        subject_id=ref.id,
        action=RESTORE,
        reason=reason[:500],
        actor=actor,
        data={"appeal": str(strike.id)},
    )
    send_content_actioned(ref, RESTORE, case.id, reason)


@transaction.atomic
def strike_appeal_decide(*, strike_id: int, actor: User, overturn: bool, reason: str) -> Strike:
    """A moderator upholds or overturns an appealed strike; overturning restores removed content."""
    if not reason.strip():
        raise ValidationFailed("A reason is required.", code="reason_required")
    strike = Strike.objects.select_for_update().filter(pk=strike_id).first()
    if strike is None or not may_act(actor, strike.category):
        raise NotFound()
    if strike.state != Strike.State.APPEALED:
        raise Conflict("Only an appealed strike can be decided.", code="not_appealed")
    strike.state = Strike.State.OVERTURNED if overturn else Strike.State.UPHELD
    strike.decided_at, strike.decided_by = timezone.now(), actor
    strike.save()
    case = Case.objects.select_for_update().filter(pk=strike.case_id).first() if strike.case_id else None
    if case is not None:
        if overturn:
            _restore_after_overturn(case, strike=strike, actor=actor, reason=reason)
        if case.state in (CaseState.APPEALED, CaseState.ASSIGNED):
            case_move(
                case,
                CaseState.RESOLVED,
                actor=actor,
                reason=f"appeal {'overturned' if overturn else 'upheld'}",
            )
    notification_create(
        user_id=strike.user_id,
        kind=kinds.STRIKE_DECIDED,
        payload=strike_decided_payload(strike),
        target_type="strike",
        target_id=strike.id,
    )
    audit(
        event="strike.overturned" if overturn else "strike.upheld",
        actor=actor,
        case=case,
        reason=reason,
        strike_id=str(strike.id),
    )
    return strike
