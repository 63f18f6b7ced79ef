"""Appeals of prompt blocks: a member appeals once per blocked subject; a moderator overturns or upholds.

The owning app (generation) decides what may be appealed (the member's own
job, blocked by the prompt check) and calls `prompt_appeal_open` with the
facts; moderation opens the case, and on a decision records the allowance
(overturned), the training example (every decision), the audit row and the
member's WebSocket notice.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from moderation import registry
from moderation.models import (
    Case,
    CaseState,
    PromptAllowance,
    PromptAppeal,
    PromptAppealDecision,
    StoredVerdict,
)
from moderation.presenters import appeal_decided_payload
from moderation.selectors.appeals import prompt_hash
from moderation.selectors.permissions import may_act
from moderation.services.audit import audit
from moderation.services.cases import CATEGORY_SEVERITY, case_move, unresolved_case
from sora_social.accounts.models import User
from sora_social.accounts.services import notification_create
from sora_social.common.errors import Conflict, NotFound, ValidationFailed
from sora_social.notifications import kinds

NOTE_MAX = 1000
APPEAL_SOURCE = "appeal"


def _most_severe(flagged: list[str]) -> str:
    return max(flagged, key=lambda c: CATEGORY_SEVERITY.get(c, 1.0)) if flagged else "other"


def _appeal_case(ref: registry.SubjectRef, *, flagged: list[str], verdict: StoredVerdict | None) -> Case:
    """The subject's unresolved case (opened for the appeal when there is none), carrying the verdict."""
    category = _most_severe(flagged)
    case, created = unresolved_case(
        ref, category=category, severity=CATEGORY_SEVERITY.get(category, 1.0), source=APPEAL_SOURCE
    )
    if case.verdict_id is None and verdict is not None:
        case.verdict = verdict
        case.save(update_fields=["verdict"])
    if created:
        audit(event="case.opened", actor=None, case=case, reason=f"appeal:{category}")
    return case


@transaction.atomic
def prompt_appeal_open(
    *, user: User, subject: tuple[str, int], prompt: str, verdict_id: int | None, note: str
) -> PromptAppeal:
    """A member's one appeal of a blocked prompt: the appeal row and its case, in the queue.

    409 `already_appealed` on a second appeal of the same subject; 400 when the
    note is empty or longer than 1000 characters.
    """
    note = (note or "").strip()
    if not 1 <= len(note) <= NOTE_MAX:
        raise ValidationFailed(details={"note": [f"Between 1 and {NOTE_MAX} characters."]})
    ref = registry.SubjectRef(kind=subject[0], id=int(subject[1]))
    if PromptAppeal.objects.filter(subject_kind=ref.kind, subject_id=ref.id).exists():
        raise Conflict("This generation was already appealed.", code="already_appealed")
    verdict = StoredVerdict.objects.filter(pk=verdict_id).first() if verdict_id else None
    flagged = list(verdict.flagged) if verdict is not None else []
    case = _appeal_case(ref, flagged=flagged, verdict=verdict)
    try:
        with transaction.atomic():
            appeal = PromptAppeal.objects.create(
                user=user,
                subject_kind=ref.kind,
                subject_id=ref.id,
                case=case,
                verdict=verdict,
                prompt=prompt,
                flagged=flagged,
                note=note,
            )
    except IntegrityError:
        # A concurrent appeal of the same subject won the race.
        raise Conflict("This generation was already appealed.", code="already_appealed") from None
    audit(event="prompt_appeal.opened", actor=user, case=case, reason=note[:200], appeal_id=str(appeal.id))
    return appeal


def _resolve(appeal: PromptAppeal, *, actor: User, overturn: bool, reason: str) -> None:
    """Resolve the appeal's case (if it is still open) with the decision as its resolution."""
    case = Case.objects.select_for_update().filter(pk=appeal.case_id).first() if appeal.case_id else None
    if case is None or case.state == CaseState.RESOLVED:
        return
    resolution = f"{'overturn' if overturn else 'uphold'}: {reason}"[:300]
    case_move(case, CaseState.RESOLVED, actor=actor, reason=reason, fields={"resolution": resolution})


@transaction.atomic
def prompt_appeal_decide(*, appeal_id: int, actor: User, overturn: bool, reason: str) -> PromptAppeal:
    """A moderator overturns (the member may run that prompt again) or upholds a pending appeal.

    Every decision is appended to `PromptAppealDecision` (training data) and
    audited; the member is notified (kind `moderation.appeal_decided`, live over the WebSocket).
    """
    if not reason.strip():
        raise ValidationFailed("A reason is required.", code="reason_required")
    appeal = PromptAppeal.objects.select_for_update().filter(pk=appeal_id).first()
    category = _most_severe(list(appeal.flagged)) if appeal is not None else "other"
    if appeal is None or not may_act(actor, category):
        raise NotFound()
    if appeal.state != PromptAppeal.State.PENDING:
        raise Conflict("This appeal was already decided.", code="appeal_decided")
    appeal.state = PromptAppeal.State.OVERTURNED if overturn else PromptAppeal.State.UPHELD
    appeal.decided_at, appeal.decided_by = timezone.now(), actor
    appeal.save(update_fields=["state", "decided_at", "decided_by"])
    if overturn:
        PromptAllowance.objects.get_or_create(
            user_id=appeal.user_id,
            prompt_hash=prompt_hash(appeal.prompt),
            defaults={"appeal": appeal, "case_id": appeal.case_id},
        )
    PromptAppealDecision.objects.create(
        appeal=appeal, prompt=appeal.prompt, flagged=appeal.flagged, decision=appeal.state, moderator=actor
    )
    _resolve(appeal, actor=actor, overturn=overturn, reason=reason)
    audit(
        event=f"prompt_appeal.{appeal.state}",
        actor=actor,
        ref=registry.SubjectRef(appeal.subject_kind, appeal.subject_id),
        case=appeal.case,
        reason=reason,
        appeal_id=str(appeal.id),
    )
    notification_create(
        user_id=appeal.user_id,
        kind=kinds.APPEAL_DECIDED,
        payload=appeal_decided_payload(appeal),
        target_type="prompt_appeal",
        target_id=appeal.id,
    )
    return appeal


def prompt_appeal_decide_for_case(*, case_id: int, actor: User, overturn: bool, reason: str) -> PromptAppeal:
    """Decide the pending prompt appeal a case was opened for (the case page's buttons)."""
    appeal = (
        PromptAppeal.objects.filter(case_id=case_id, state=PromptAppeal.State.PENDING)
        .values_list("id", flat=True)
        .first()
    )
    if appeal is None:
        raise Conflict("This case has no pending prompt appeal.", code="no_pending_appeal")
    return prompt_appeal_decide(appeal_id=appeal, actor=actor, overturn=overturn, reason=reason)
