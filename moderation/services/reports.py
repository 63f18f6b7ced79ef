"""Reports: how much a reporter weighs, and folding a report into the subject's case.

Reports alone never remove anything: they order the queue and can escalate a
case; only a moderator or a classifier acts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from moderation import registry
from moderation.models import Case, CaseState, Report
from moderation.services.audit import audit
from moderation.services.cases import (
    FAST_TRACK_REASONS,
    REPORT_REASONS,
    case_move_unaudited,
    reprioritise,
    subject_reach,
    unresolved_case,
)
from moderation.states import CASE_MACHINE
from sora_social.accounts.models import User
from sora_social.common.errors import ValidationFailed


def reporter_trust(reporter: User) -> float:
    """How much a reporter's report weighs: new accounts and often-dismissed reporters count less."""
    stats = Report.objects.filter(reporter=reporter).aggregate(
        upheld=Count("id", filter=Q(outcome=Report.Outcome.UPHELD)),
        dismissed=Count("id", filter=Q(outcome=Report.Outcome.DISMISSED)),
    )
    # Beta(1,1) prior on "this reporter's reports are upheld", scaled so a neutral reporter weighs 1.
    trust: float = 2.0 * (stats["upheld"] + 1) / (stats["upheld"] + stats["dismissed"] + 2)
    joined = getattr(reporter, "date_joined", None)
    if joined is None or timezone.now() - joined < timedelta(days=settings.REPORT_NEW_ACCOUNT_DAYS):
        trust *= 0.25
    return round(max(0.05, min(trust, 2.0)), 4)


def _fold_report(case: Case, *, created: bool, ref: registry.SubjectRef, reason: str, trust: float) -> bool:
    """Add a new report's weight to its case and save it; True when that escalates the case."""
    category, severity = REPORT_REASONS[reason]
    case.report_count += 1
    case.reporter_trust = round(case.reporter_trust + trust, 4)
    if severity > case.severity or (created and case.source == "report"):
        case.severity, case.category = (
            max(severity, case.severity),
            category if severity >= case.severity else case.category,
        )
    case.reach = subject_reach(ref)
    if reason in FAST_TRACK_REASONS:
        case.fast_track = True
    reprioritise(case)
    escalate = CASE_MACHINE.can_move(case.state, CaseState.ESCALATED) and (
        case.fast_track or case.reporter_trust >= settings.REPORT_ESCALATE_TRUST
    )
    case.save()
    if escalate:
        case_move_unaudited(case, CaseState.ESCALATED)
    return escalate


@transaction.atomic
def report_create(
    *, reporter: User, kind: str, object_id: int | None, reason: str, details: str = ""
) -> Report:
    """Report a subject. Reports fold into the subject's one unresolved case; a repeat by the
    same reporter returns the first report. Reports alone never remove anything: they order
    the queue and can escalate a case, and only a moderator or a classifier acts."""
    if reason not in REPORT_REASONS:
        raise ValidationFailed(details={"reason": [f"one of {sorted(REPORT_REASONS)}"]})
    ref = registry.resolve(kind, object_id, viewer=reporter)
    category, severity = REPORT_REASONS[reason]
    case, created = unresolved_case(ref, category=category, severity=severity, source="report")
    existing = Report.objects.filter(case=case, reporter=reporter).first()
    if existing is not None:
        return existing
    trust = reporter_trust(reporter)
    report = Report.objects.create(
        case=case,
        reporter=reporter,
        subject_kind=ref.kind,
        subject_id=ref.id,
        reason=reason,
        details=details[:2000],
        trust=trust,
    )
    escalated = _fold_report(case, created=created, ref=ref, reason=reason, trust=trust)
    if created:
        audit(event="case.opened", actor=None, case=case, reason=f"report:{reason}")
    audit(
        event="report.created",
        actor=None,
        case=case,
        reason=reason,
        report_id=str(report.id),
        reporter_id=str(reporter.pk),
        trust=trust,
    )
    if escalated:
        audit(
            event="case.escalated",
            actor=None,
            case=case,
            reason="fast_track" if case.fast_track else "reports",
        )
    return report
