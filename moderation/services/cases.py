"""Cases: the one unresolved case per subject, its priority, and every move of its state.

Every state change of a case goes through `CASE_MACHINE` (`moderation.states`)
by `transition()`: `case_move` (with its audit row) or, where the caller writes
its own audit, `case_move_unaudited`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moderation import registry
from moderation.categories import (
    CATEGORIES,
    HARASSMENT,
    HATE,
    RIGHTS_HOLDER,
    SELF_HARM,
    SEXUAL,
    SEXUAL_MINORS,
    VIOLENCE,
)
from moderation.models import Case, CaseState, StoredVerdict
from moderation.selectors.permissions import may_act
from moderation.services.audit import audit
from moderation.states import CASE_MACHINE
from sora_social.accounts.models import User
from sora_social.common.errors import Forbidden, NotFound, ValidationFailed
from sora_social.common.states import transition

# Report reasons → (case category, severity). Severity is the first factor of priority.
LIKENESS = "likeness"
REPORT_REASONS: dict[str, tuple[str, float]] = {
    "sexual": (SEXUAL, 3.0),
    "sexual_minors": (SEXUAL_MINORS, 5.0),
    "violence": (VIOLENCE, 3.0),
    "self_harm": (SELF_HARM, 4.0),
    "hate": (HATE, 3.0),
    "harassment": (HARASSMENT, 2.5),
    "likeness_without_consent": (LIKENESS, 4.5),
    "public_figure": ("public_figure", 2.0),
    "rights_holder": (RIGHTS_HOLDER, 1.5),
    "spam": ("spam", 1.0),
    "other": ("other", 1.0),
}
FAST_TRACK_REASONS = {"likeness_without_consent", "sexual_minors"}
CASE_CATEGORIES: tuple[str, ...] = (*CATEGORIES, LIKENESS, "spam", "other")
CATEGORY_SEVERITY: dict[str, float] = dict(REPORT_REASONS.values())

TRUST_CAP = 5.0  # summed reporter trust counts up to this; a crowd adds nothing beyond


def priority_of(*, severity: float, reach: int, reporter_trust: float, fast_track: bool) -> float:
    """severity × reach × reporter trust, each factor bounded so no single one dominates."""
    reach_factor = math.log2(2 + max(reach, 0))
    trust_factor = 1.0 + min(reporter_trust, TRUST_CAP)
    return round(severity * reach_factor * trust_factor * (10.0 if fast_track else 1.0), 4)


def reprioritise(case: Case) -> None:
    """Recompute the case's priority from its factors (in memory; the caller saves)."""
    case.priority = priority_of(
        severity=case.severity,
        reach=case.reach,
        reporter_trust=case.reporter_trust,
        fast_track=case.fast_track,
    )


def subject_reach(ref: registry.SubjectRef) -> int:
    """How many people the subject reaches, by its owner's adapter (0 once it is gone)."""
    try:
        return int(registry.adapter_for(ref.kind).reach(ref.id))
    except NotFound:
        return 0


def _locked_unresolved(ref: registry.SubjectRef) -> Case | None:
    return (
        Case.objects.select_for_update()
        .filter(subject_kind=ref.kind, subject_id=ref.id)
        .exclude(state=CaseState.RESOLVED)
        .first()
    )


def unresolved_case(
    ref: registry.SubjectRef, *, category: str, severity: float, source: str
) -> tuple[Case, bool]:
    """The subject's one unresolved case, locked; created when there is none."""
    case = _locked_unresolved(ref)
    if case is not None:
        return case, False
    try:
        with transaction.atomic():
            case = Case(
                subject_kind=ref.kind,
                subject_id=ref.id,
                category=category,
                severity=severity,
                reach=subject_reach(ref),
                source=source,
            )
            reprioritise(case)
            case.save()
            return case, True
    except IntegrityError:
        # A concurrent report created it between our read and insert.
        case = (
            Case.objects.select_for_update()
            .filter(subject_kind=ref.kind, subject_id=ref.id)
            .exclude(state=CaseState.RESOLVED)
            .get()
        )
        return case, False


def case_for_verdict(*, ref: registry.SubjectRef, verdict: StoredVerdict, flagged: list[str]) -> Case:
    """The subject's unresolved case for a classifier verdict to review (opened if there is none)."""
    category = max(flagged, key=lambda c: CATEGORY_SEVERITY.get(c, 1.0)) if flagged else "other"
    case, created = unresolved_case(
        ref, category=category, severity=CATEGORY_SEVERITY.get(category, 1.0), source="classifier"
    )
    if case.verdict_id is None:
        case.verdict = verdict
        case.save(update_fields=["verdict"])
    if created:
        audit(event="case.opened", actor=None, case=case, reason=f"classifier:{category}")
    return case


def locked_case(case_id: int, actor: User | None) -> Case:
    """The case, row-locked, if `actor` may work its category; NotFound otherwise."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not may_act(actor, case.category):
        raise NotFound()
    return case


def case_move_unaudited(case: Case, to: str, *, fields: Mapping[str, Any] | None = None) -> str:
    """Move the case to `to` by `CASE_MACHINE` (IllegalTransition otherwise); returns the state it left.

    `fields` are written in the same UPDATE; the in-memory `case` gets every written value.
    """
    previous = case.state
    now = timezone.now()
    values: dict[str, Any] = {"state_changed_at": now, **(fields or {})}
    if to == CaseState.RESOLVED:
        values["resolved_at"] = now
    row = transition(
        CASE_MACHINE,
        Case.objects.all(),
        pk=case.pk,
        to=to,
        expect=[previous],
        fields=values,
        subject="A case",
    )
    for name in (CASE_MACHINE.column, *values):
        setattr(case, name, getattr(row, name))
    return previous


def case_move(
    case: Case, to: str, *, actor: User | None, reason: str, fields: Mapping[str, Any] | None = None
) -> None:
    """Move a locked case along `CASE_MACHINE` and audit it as `case.<to>`."""
    previous = case_move_unaudited(case, to, fields=fields)
    audit(event=f"case.{to}", actor=actor, case=case, reason=reason, previous=previous)


@transaction.atomic
def case_transition(*, case_id: int, to: str, actor: User, reason: str) -> Case:
    """Move a case along its declared transitions (row lock, legality, timestamp, audit)."""
    case = locked_case(case_id, actor)
    case_move(case, to, actor=actor, reason=reason)
    return case


@transaction.atomic
def case_assign(*, case_id: int, assignee: User, actor: User) -> Case:
    """Give the case to a moderator who may work its category (moving it to assigned where legal)."""
    case = locked_case(case_id, actor)
    if not may_act(assignee, case.category):
        raise Forbidden("That moderator may not work this category.", code="assignee_not_permitted")
    reason = f"assigned to {assignee.pk}"
    if CASE_MACHINE.can_move(case.state, CaseState.ASSIGNED):
        case_move(case, CaseState.ASSIGNED, actor=actor, reason=reason, fields={"assignee": assignee})
    else:
        case.assignee = assignee
        case.save(update_fields=["assignee"])
        audit(event="case.assigned", actor=actor, case=case, reason=reason)
    return case


@transaction.atomic
def case_open_by_moderator(*, actor: User, kind: str, object_id: int, category: str, reason: str) -> Case:
    """Act without a report: a moderator opens (or joins) the subject's case."""
    if category not in CASE_CATEGORIES:
        raise ValidationFailed(details={"category": [f"one of {list(CASE_CATEGORIES)}"]})
    if not may_act(actor, category):
        raise Forbidden(code="category_not_permitted")
    if not reason.strip():
        raise ValidationFailed("A reason is required.", code="reason_required")
    ref = registry.resolve(kind, object_id)
    case, created = unresolved_case(
        ref, category=category, severity=CATEGORY_SEVERITY.get(category, 1.0), source="moderator"
    )
    if created:
        audit(event="case.opened", actor=actor, case=case, reason=reason)
    return case


@transaction.atomic
def case_open_automated(*, kind: str, object_id: int, category: str, source: str, reason: str) -> Case:
    """An automated matcher (a hash bank) opens, or joins, the subject's case; audited as `source`."""
    if category not in CASE_CATEGORIES:
        category = "other"
    ref = registry.resolve(kind, object_id)
    case, created = unresolved_case(
        ref, category=category, severity=CATEGORY_SEVERITY.get(category, 1.0), source=source[:16]
    )
    if created:
        audit(event="case.opened", actor=None, case=case, reason=f"{source}: {reason}"[:300])
    return case
