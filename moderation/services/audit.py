"""The audit log: every moderator action and every automated decision leaves an `AuditEvent`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from moderation import registry
from moderation.models import AuditEvent, Case
from sora_social.accounts.models import User
from sora_social.common.errors import ValidationFailed


def _actor_ref(actor: User | AnonymousUser | None) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def audit(
    *,
    event: str,
    actor: User | None,
    case: Case | None = None,
    ref: registry.SubjectRef | None = None,
    reason: str = "",
    **data: Any,
) -> None:
    """One audit row about a case or a subject (the case's subject when no `ref` is given)."""
    AuditEvent.objects.create(
        event=event,
        actor=_actor_ref(actor),
        case=case,
        subject_kind=(ref.kind if ref else case.subject_kind if case else ""),
        subject_id=(ref.id if ref else case.subject_id if case else None),
        reason=reason[:500],
        data=data,
    )


def audit_staff_action(
    *,
    event: str,
    actor: User | AnonymousUser | None,
    subject_kind: str,
    subject_ids: list[int],
    reason: str,
    **data: Any,
) -> int:
    """One `AuditEvent` per subject for a staff action taken outside a case (the owning apps' admin).

    Called inside the action's transaction, so the audit row and the change
    commit together. Returns how many rows were written. `actor` is the admin
    request's user as it comes (the admin lets only staff in).
    """
    if not reason.strip():
        raise ValidationFailed("A staff action needs a reason.", code="reason_required")
    actor_ref = _actor_ref(actor)
    rows = [
        AuditEvent(
            event=event,
            actor=actor_ref,
            subject_kind=subject_kind,
            subject_id=subject_id,
            reason=reason[:500],
            data=data,
        )
        for subject_id in subject_ids
    ]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)
