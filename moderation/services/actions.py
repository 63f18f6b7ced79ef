"""Moderator actions on a case's subject or its owner, and acting without a report.

Content actions reach the owning app only through `content_actioned`, sent on
commit; account actions (suspend, ban, subtree freeze) are the accounts
services'. Any action but restore resolves the case and settles its reports.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation import registry
from moderation.models import Case, CaseState, ModerationAction, Report, Strike
from moderation.presenters import notice_payload, outcome_payload, report_outcome_payload
from moderation.selectors.permissions import may_act
from moderation.services.audit import audit
from moderation.services.cases import case_move, case_open_by_moderator, locked_case
from moderation.signals import AGE_RESTRICT, LABEL, REMOVE, RESTORE, content_actioned
from sora_social.accounts import services as accounts
from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_load
from sora_social.accounts.services import notification_create
from sora_social.common.errors import Conflict, Forbidden, ValidationFailed
from sora_social.notifications import kinds

CONTENT_ACTION_KINDS = (REMOVE, RESTORE, AGE_RESTRICT, LABEL)
ACCOUNT_ACTION_KINDS = ("warn", "strike", "suspend", "ban", "freeze_subtree")
ACTION_KINDS = (*CONTENT_ACTION_KINDS, *ACCOUNT_ACTION_KINDS, "dismiss")


def send_content_actioned(ref: registry.SubjectRef, action: str, case_id: int, reason: str) -> None:
    """Tell the owning app, on commit, to apply a content action to its subject."""
    transaction.on_commit(
        lambda: content_actioned.send(
            sender=Case, kind=ref.kind, object_id=ref.id, action=action, case_id=case_id, reason=reason
        )
    )


def _account_action(action: str, *, user: User, actor: User, reason: str) -> dict[str, Any]:
    """Suspend, ban and subtree freezes belong to accounts; moderation only calls its services."""
    if action == "suspend":
        record: Any = accounts.user_suspend(user=user, actor=actor, reason=reason)
    elif action == "ban":
        record = accounts.user_ban(user=user, actor=actor, reason=reason)
    else:
        record = accounts.subtree_freeze(root=user, actor=actor, reason=reason)
    return {"account_action_id": str(record.pk)}


def _validate_action(action: str, reason: str) -> None:
    if action not in ACTION_KINDS:
        raise ValidationFailed(details={"action": [f"one of {list(ACTION_KINDS)}"]})
    if not reason or not reason.strip():
        raise ValidationFailed("A reason is required for every action.", code="reason_required")


def _check_account_permission(actor: User, case: Case, action: str) -> None:
    if (
        action in ACCOUNT_ACTION_KINDS
        and action != "warn"
        and not may_act(actor, case.category, account_action=True)
    ):
        raise Forbidden(
            "Account actions need a group that allows them.", code="account_actions_not_permitted"
        )


def _subject_owner(ref: registry.SubjectRef) -> User | None:
    owner_id = registry.adapter_for(ref.kind).owner_id(ref.id)
    return user_load(user_id=owner_id) if owner_id is not None else None


def _side_effects(
    *, ref: registry.SubjectRef, action: str, owner: User | None, actor: User, reason: str
) -> dict[str, Any]:
    """What an action does outside moderation before it is recorded; returns the record's data."""
    data: dict[str, Any] = {}
    if action in ACCOUNT_ACTION_KINDS and owner is None:
        raise Conflict("This subject has no owner to act on.", code="no_owner")
    if action in ("suspend", "ban", "freeze_subtree") and owner is not None:
        data.update(_account_action(action, user=owner, actor=actor, reason=reason))
    if ref.kind == registry.PARENTAL_LINK and action == REMOVE:
        # A parental link belongs to accounts: removing it ends it there.
        accounts.parental_link_end(link_id=ref.id, actor=actor, reason=reason)
    return data


def _strike_and_notify(
    *, case: Case, record: ModerationAction, owner: User, action: str, reason: str
) -> None:
    """A strike row for `strike`; a WebSocket notice to the owner for `warn` and `strike`."""
    if action == "strike":
        Strike.objects.create(
            user=owner,
            case=case,
            action=record,
            category=case.category,
            reason=reason[:500],
            appeal_deadline=timezone.now() + timedelta(days=settings.STRIKE_APPEAL_DAYS),
        )
    notification_create(
        user_id=owner.pk,
        kind=f"moderation.{action}",
        payload=notice_payload(category=case.category, reason=reason),
        target_type="case",
        target_id=case.id,
    )


def _record_action(
    *,
    case: Case,
    ref: registry.SubjectRef,
    owner: User | None,
    action: str,
    actor: User,
    reason: str,
    label: str,
) -> ModerationAction:
    """Apply a (non-dismiss) action and record it: side effects, the row, the signal, strikes."""
    data = {"label": label} if label else {}
    data.update(_side_effects(ref=ref, action=action, owner=owner, actor=actor, reason=reason))
    record = ModerationAction.objects.create(
        case=case,
        subject_kind=ref.kind,
        subject_id=ref.id,
        action=action,
        reason=reason[:500],
        target_user=owner if action in ACCOUNT_ACTION_KINDS else None,
        actor=actor,
        data=data,
    )
    if action in CONTENT_ACTION_KINDS:
        send_content_actioned(ref, action, case.id, reason)
    if action in ("warn", "strike") and owner is not None:
        _strike_and_notify(case=case, record=record, owner=owner, action=action, reason=reason)
    if action in CONTENT_ACTION_KINDS and owner is not None and ref.kind != registry.PARENTAL_LINK:
        notification_create(
            user_id=owner.pk,
            kind=kinds.MODERATION_OUTCOME,
            payload=outcome_payload(ref=ref, action=action, category=case.category, label=label),
            target_type=ref.kind,
            target_id=ref.id,
        )
    return record


def _tell_reporters(case: Case, reports: list[tuple[int, int]], outcome: str) -> None:
    """Each reporter hears that their report was reviewed and whether action was taken: not which
    action, nor anything about the reported member (docs/NOTIFICATIONS.md, "Reporter outcomes")."""
    for report_id, reporter_id in reports:
        notification_create(
            user_id=reporter_id,
            kind=kinds.REPORT_OUTCOME,
            payload=report_outcome_payload(
                report_id=report_id, subject_kind=case.subject_kind, outcome=outcome
            ),
            target_type="report",
            target_id=report_id,
        )


def _settle_case(case: Case, *, action: str, actor: User, reason: str) -> None:
    """Resolve the case (unless restoring) and settle its pending reports: upheld, or dismissed."""
    if action == RESTORE:
        return
    outcome = Report.Outcome.DISMISSED if action == "dismiss" else Report.Outcome.UPHELD
    pending = list(case.reports.filter(outcome=Report.Outcome.PENDING).values_list("id", "reporter_id"))
    case.reports.filter(outcome=Report.Outcome.PENDING).update(outcome=outcome)
    _tell_reporters(case, pending, outcome)
    resolution = f"{action}: {reason}"[:300]
    if case.state != CaseState.RESOLVED:
        case_move(case, CaseState.RESOLVED, actor=actor, reason=reason, fields={"resolution": resolution})
    else:
        case.resolution = resolution
        case.save(update_fields=["resolution"])


@transaction.atomic
def case_act(
    *, case_id: int, action: str, actor: User, reason: str, label: str = ""
) -> ModerationAction | None:
    """One moderator action on a case's subject (or its owner), with a required reason.

    Content actions are sent to the owning app with `content_actioned`;
    account actions go to the accounts services. Any action but restore
    resolves the case and settles its reports (upheld, or dismissed).
    """
    _validate_action(action, reason)
    case = locked_case(case_id, actor)
    _check_account_permission(actor, case, action)
    ref = registry.SubjectRef(case.subject_kind, case.subject_id)
    owner = _subject_owner(ref)
    record = None
    if action != "dismiss":
        record = _record_action(
            case=case, ref=ref, owner=owner, action=action, actor=actor, reason=reason, label=label
        )
    audit(
        event=f"action.{action}",
        actor=actor,
        case=case,
        reason=reason,
        action_id=str(record.id) if record else None,
    )
    _settle_case(case, action=action, actor=actor, reason=reason)
    return record


@transaction.atomic
def subject_act(*, actor: User, kind: str, object_id: int, category: str, action: str, reason: str) -> Case:
    """Open (or join) the subject's case and act at once: acting without a report."""
    case = case_open_by_moderator(
        actor=actor, kind=kind, object_id=object_id, category=category, reason=reason
    )
    case_act(case_id=case.id, action=action, actor=actor, reason=reason)
    case.refresh_from_db()
    return case


@transaction.atomic
def subject_act_automated(*, case: Case, kind: str, object_id: int, action: str, reason: str) -> None:
    """An automated matcher's content action (a hash bank that blocks): audited on the case, and
    the owning app told on commit like any action. The case stays open for a moderator."""
    if action not in CONTENT_ACTION_KINDS:
        raise ValidationFailed(details={"action": [f"one of {list(CONTENT_ACTION_KINDS)}"]})
    ref = registry.resolve(kind, object_id)
    audit(event=f"content.{action}", actor=None, case=case, ref=ref, reason=reason[:300])
    send_content_actioned(ref, action, case.pk, reason)
