"""Writes of the moderation app: checks, reports, cases, actions, strikes, policies, rescans.

Every state change goes through one function here (`<entity>_<action>`,
keyword-only). Every automated decision and every moderator action leaves an
`AuditEvent`. Actions reach the apps that own the content only through
`moderation.signals.content_actioned`, sent on commit.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
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
from moderation.classifiers import BLOCK, REVIEW, Scores, Verdict, loader
from moderation.classifiers.blocklist import BlocklistClassifier
from moderation.classifiers.rights import RightsNameMatcher
from moderation.models import (
    AuditEvent,
    Case,
    CaseState,
    ModerationAction,
    ModeratorGroup,
    Policy,
    Report,
    RescanJob,
    StoredVerdict,
    Strike,
)
from moderation.policies import active_policy, decide, output_rating, validate_thresholds
from moderation.signals import AGE_RESTRICT, HIDE, LABEL, REMOVE, RESTORE, content_actioned
from sora_social.common.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from sora_social.common.events import send_user_event_on_commit

logger = logging.getLogger(__name__)

SubjectArg = tuple[str, int] | registry.SubjectRef | None

# Rule classifiers need no model: they are always on.
_blocklist = BlocklistClassifier()
_rights_names = RightsNameMatcher()


# --- checks ---------------------------------------------------------------------


def is_teen(user: Any) -> bool:
    """Whether stricter teen thresholds apply (the accounts app decides who is a teen)."""
    if user is None or not getattr(user, "pk", None):
        return False
    from sora_social.accounts.selectors import user_is_teen

    return bool(user_is_teen(user=user))


def classifiers_ready() -> tuple[bool, dict[str, dict[str, Any]]]:
    """(every configured classifier loaded or loadable, state per classifier). Loads nothing."""
    states = loader.status()
    ok = all(entry["state"] not in (loader.MISSING, loader.FAILED) for entry in states.values())
    return ok, states


def _require(kind: str) -> list[Any]:
    loaded, broken = loader.classifiers(kind)
    if broken:
        if settings.SAFETY_FAIL_CLOSED:
            raise ApplicationError(
                "Safety checks are unavailable, so nothing can be generated right now.",
                code="safety_unavailable",
                status=503,
                details={"unavailable": broken},
            )
        logger.warning("checking %s without unavailable classifiers: %s", kind, ", ".join(broken))
    return loaded


def _subject(subject: SubjectArg) -> registry.SubjectRef | None:
    if subject is None or isinstance(subject, registry.SubjectRef):
        return subject
    kind, object_id = subject
    return registry.SubjectRef(kind=str(kind), id=int(object_id))


def _store(
    *, kind: str, result: Scores, user: Any, subject: SubjectArg, text: str = "", frame_count: int = 0
) -> Verdict:
    ref = _subject(subject)
    teen = is_teen(user)
    policy = active_policy()
    decision, flagged, reasons = decide(
        scores=result.scores,
        matches=result.matches,
        teen=teen,
        thresholds=policy.thresholds,
        teen_thresholds=policy.teen_thresholds,
        classifier_reasons=result.reasons,
    )
    scores = {c: round(float(result.scores.get(c, 0.0)), 4) for c in CATEGORIES}
    with transaction.atomic():
        row = StoredVerdict.objects.create(
            kind=kind,
            subject_kind=ref.kind if ref else "",
            subject_id=ref.id if ref else None,
            user=user if getattr(user, "pk", None) else None,
            teen=teen,
            text=text[:4000],
            frame_count=frame_count,
            scores=scores,
            matches=result.matches[:20],
            model_ids=result.model_ids,
            decision=decision,
            flagged=flagged,
            reasons=reasons,
            policy_version=policy.label,
        )
        case = None
        if decision == REVIEW and ref is not None:
            case = _case_for_verdict(ref=ref, verdict=row, flagged=flagged)
        AuditEvent.objects.create(
            event=f"automated.{kind}",
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            case=case,
            reason=",".join(reasons),
            data={"verdict_id": str(row.id), "decision": decision, "policy": policy.label},
        )
    return Verdict(
        decision=decision,
        scores=scores,
        flagged=flagged,
        policy_version=policy.label,
        model_ids=dict(result.model_ids),
        reasons=reasons,
        verdict_id=row.id,
    )


def check_prompt(*, text: str, user: Any = None, subject: SubjectArg = None) -> Verdict:
    """Score a prompt with every configured text classifier, decide, store, audit.

    Raises ApplicationError(code="safety_unavailable", status=503) when a
    configured classifier is missing and SAFETY_FAIL_CLOSED is on.
    """
    models = _require("text")
    result = Scores()
    for classifier in (_blocklist, _rights_names, *models):
        result = result.merge(classifier.score_texts([text])[0])
    return _store(kind=StoredVerdict.Kind.PROMPT, result=result, user=user, subject=subject, text=text)


def prompt_scores(*, text: str) -> dict[str, float]:
    """Every text classifier's category scores for a prompt, rule-only categories included
    (`categories.RULE_CATEGORIES`); decides and stores nothing.

    For checks that apply their own thresholds: a cameo owner's rules
    (cameos/rules.py). Fails closed like `check_prompt`.
    """
    models = _require("text")
    result = Scores()
    for classifier in (_blocklist, *models):
        result = result.merge(classifier.score_texts([text])[0])
    return dict(result.scores)


def text_embedder() -> Any:
    """The configured sentence-embedding function (texts → L2-normalised rows), or None when off."""
    loaded, _broken = loader.classifiers("text")
    for classifier in loaded:
        if getattr(classifier, "name", "") == "prompt_embeddings":
            return classifier.embed
    return None


def sample_frames(
    frames: list[np.ndarray], *, fps: float | None = None, limit: int | None = None
) -> list[np.ndarray]:
    """Evenly spaced frames: about one per second when fps is known, never more than `limit`."""
    limit = limit or settings.SAFETY_MAX_FRAMES
    count = len(frames)
    if count == 0:
        return []
    wanted = limit
    if fps and fps > 0:
        wanted = min(limit, max(1, math.ceil(count / fps)))
    wanted = min(wanted, count)
    indices = np.unique(np.linspace(0, count - 1, wanted).round().astype(int))
    return [frames[i] for i in indices]


def check_frames(
    *, frames: list[np.ndarray], user: Any = None, subject: SubjectArg = None, fps: float | None = None
) -> Verdict:
    """Score a clip's frames (HxWx3 uint8 RGB) in one batch per classifier, decide, store, audit."""
    for frame in frames:
        if not (isinstance(frame, np.ndarray) and frame.ndim == 3 and frame.shape[2] in (3, 4)):
            raise ValidationFailed("Frames must be HxWx3 uint8 arrays.", code="bad_frames")
    models = _require("frames")
    sampled = sample_frames(frames, fps=fps)
    result = Scores()
    for classifier in models:
        result = result.merge(classifier.score_frames(sampled))
    return _store(
        kind=StoredVerdict.Kind.FRAMES, result=result, user=user, subject=subject, frame_count=len(sampled)
    )


def content_rating(*, scores: dict[str, float]) -> str:
    """An output's rating under the active policy: "mature" when a teen's thresholds would hold it."""
    policy = active_policy()
    return output_rating(scores=scores, thresholds=policy.thresholds, teen_thresholds=policy.teen_thresholds)


# --- cases ------------------------------------------------------------------------

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

CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseState.OPEN: {CaseState.ASSIGNED, CaseState.ESCALATED, CaseState.RESOLVED},
    CaseState.ASSIGNED: {CaseState.OPEN, CaseState.ESCALATED, CaseState.RESOLVED},
    CaseState.ESCALATED: {CaseState.ASSIGNED, CaseState.RESOLVED},
    CaseState.RESOLVED: {CaseState.APPEALED},
    CaseState.APPEALED: {CaseState.ASSIGNED, CaseState.RESOLVED},
}

TRUST_CAP = 5.0  # summed reporter trust counts up to this; a crowd adds nothing beyond


def priority_of(*, severity: float, reach: int, reporter_trust: float, fast_track: bool) -> float:
    """severity × reach × reporter trust, each factor bounded so no single one dominates."""
    reach_factor = math.log2(2 + max(reach, 0))
    trust_factor = 1.0 + min(reporter_trust, TRUST_CAP)
    return round(severity * reach_factor * trust_factor * (10.0 if fast_track else 1.0), 4)


def _reprioritise(case: Case) -> None:
    case.priority = priority_of(
        severity=case.severity,
        reach=case.reach,
        reporter_trust=case.reporter_trust,
        fast_track=case.fast_track,
    )


def _audit(
    *,
    event: str,
    actor: Any,
    case: Case | None = None,
    ref: registry.SubjectRef | None = None,
    reason: str = "",
    **data: Any,
) -> None:
    AuditEvent.objects.create(
        event=event,
        actor=actor if getattr(actor, "pk", None) else None,
        case=case,
        subject_kind=(ref.kind if ref else case.subject_kind if case else ""),
        subject_id=(ref.id if ref else case.subject_id if case else None),
        reason=reason[:500],
        data=data,
    )


def audit_staff_action(
    *, event: str, actor: Any, subject_kind: str, subject_ids: list[int], reason: str, **data: Any
) -> int:
    """One `AuditEvent` per subject for a staff action taken outside a case (the owning apps' admin).

    Called inside the action's transaction, so the audit row and the change
    commit together. Returns how many rows were written.
    """
    if not reason.strip():
        raise ValidationFailed("A staff action needs a reason.", code="reason_required")
    actor_ref = actor if getattr(actor, "pk", None) else None
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


def _reach(ref: registry.SubjectRef) -> int:
    try:
        return int(registry.adapter_for(ref.kind).reach(ref.id))
    except NotFound:
        return 0


def _unresolved_case(
    ref: registry.SubjectRef, *, category: str, severity: float, source: str
) -> tuple[Case, bool]:
    """The subject's one unresolved case, locked; created when there is none."""
    case = (
        Case.objects.select_for_update()
        .filter(subject_kind=ref.kind, subject_id=ref.id)
        .exclude(state=CaseState.RESOLVED)
        .first()
    )
    if case is not None:
        return case, False
    try:
        with transaction.atomic():
            case = Case(
                subject_kind=ref.kind,
                subject_id=ref.id,
                category=category,
                severity=severity,
                reach=_reach(ref),
                source=source,
            )
            _reprioritise(case)
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


def _case_for_verdict(*, ref: registry.SubjectRef, verdict: StoredVerdict, flagged: list[str]) -> Case:
    category = max(flagged, key=lambda c: CATEGORY_SEVERITY.get(c, 1.0)) if flagged else "other"
    case, created = _unresolved_case(
        ref, category=category, severity=CATEGORY_SEVERITY.get(category, 1.0), source="classifier"
    )
    if case.verdict_id is None:
        case.verdict = verdict
        case.save(update_fields=["verdict"])
    if created:
        _audit(event="case.opened", actor=None, case=case, reason=f"classifier:{category}")
    return case


def reporter_trust(reporter: Any) -> float:
    """How much a reporter's report weighs: new accounts and often-dismissed reporters count less."""
    from django.db.models import Count, Q

    stats = Report.objects.filter(reporter=reporter).aggregate(
        upheld=Count("id", filter=Q(outcome=Report.Outcome.UPHELD)),
        dismissed=Count("id", filter=Q(outcome=Report.Outcome.DISMISSED)),
    )
    # Beta(1,1) prior on "this reporter's reports are upheld", scaled so a neutral reporter weighs 1.
    trust = 2.0 * (stats["upheld"] + 1) / (stats["upheld"] + stats["dismissed"] + 2)
    joined = getattr(reporter, "date_joined", None)
    if joined is None or timezone.now() - joined < timedelta(days=settings.REPORT_NEW_ACCOUNT_DAYS):
        trust *= 0.25
    return round(max(0.05, min(trust, 2.0)), 4)


@transaction.atomic
def report_create(
    *, reporter: Any, kind: str, object_id: int | None, reason: str, details: str = ""
) -> Report:
    """Report a subject. Reports fold into the subject's one unresolved case; a repeat by the
    same reporter returns the first report. Reports alone never remove anything: they order
    the queue and can escalate a case, and only a moderator or a classifier acts."""
    if reason not in REPORT_REASONS:
        raise ValidationFailed(details={"reason": [f"one of {sorted(REPORT_REASONS)}"]})
    ref = registry.resolve(kind, object_id, viewer=reporter)
    category, severity = REPORT_REASONS[reason]
    case, created = _unresolved_case(ref, category=category, severity=severity, source="report")
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
    case.report_count += 1
    case.reporter_trust = round(case.reporter_trust + trust, 4)
    if severity > case.severity or (created and case.source == "report"):
        case.severity, case.category = (
            max(severity, case.severity),
            category if severity >= case.severity else case.category,
        )
    case.reach = _reach(ref)
    if reason in FAST_TRACK_REASONS:
        case.fast_track = True
    _reprioritise(case)
    escalate = case.state in (CaseState.OPEN, CaseState.ASSIGNED) and (
        case.fast_track or case.reporter_trust >= settings.REPORT_ESCALATE_TRUST
    )
    if escalate:
        case.state, case.state_changed_at = CaseState.ESCALATED, timezone.now()
    case.save()
    if created:
        _audit(event="case.opened", actor=None, case=case, reason=f"report:{reason}")
    _audit(
        event="report.created",
        actor=None,
        case=case,
        reason=reason,
        report_id=str(report.id),
        reporter_id=str(reporter.pk),
        trust=trust,
    )
    if escalate:
        _audit(
            event="case.escalated",
            actor=None,
            case=case,
            reason="fast_track" if case.fast_track else "reports",
        )
    return report


def moderator_categories(user: Any) -> set[str] | None:
    """The case categories a moderator may see and act on; None means all (superusers)."""
    if user is None or not getattr(user, "is_staff", False):
        return set()
    if user.is_superuser:
        return None
    cats: set[str] = set()
    for categories in ModeratorGroup.objects.filter(members=user).values_list("categories", flat=True):
        cats.update(categories)
    return cats


def may_act(user: Any, category: str, *, account_action: bool = False) -> bool:
    allowed = moderator_categories(user)
    if allowed is not None and category not in allowed:
        return False
    if account_action and not user.is_superuser:
        return ModeratorGroup.objects.filter(
            members=user, account_actions=True, categories__contains=[category]
        ).exists()
    return True


def _locked_case(case_id: int, actor: Any) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not may_act(actor, case.category):
        raise NotFound()
    return case


def _move(case: Case, to: str, *, actor: Any, reason: str) -> None:
    if to not in CASE_TRANSITIONS[case.state]:
        raise Conflict(f"A case cannot go from {case.state} to {to}.", code="illegal_transition")
    previous = case.state
    case.state, case.state_changed_at = to, timezone.now()
    if to == CaseState.RESOLVED:
        case.resolved_at = case.state_changed_at
    case.save()
    _audit(event=f"case.{to}", actor=actor, case=case, reason=reason, previous=previous)


@transaction.atomic
def case_transition(*, case_id: int, to: str, actor: Any, reason: str) -> Case:
    """Move a case along its declared transitions (row lock, legality, timestamp, audit)."""
    case = _locked_case(case_id, actor)
    _move(case, to, actor=actor, reason=reason)
    return case


@transaction.atomic
def case_assign(*, case_id: int, assignee: Any, actor: Any) -> Case:
    case = _locked_case(case_id, actor)
    if not may_act(assignee, case.category):
        raise Forbidden("That moderator may not work this category.", code="assignee_not_permitted")
    case.assignee = assignee
    if case.state in (CaseState.OPEN, CaseState.ESCALATED, CaseState.APPEALED):
        _move(case, CaseState.ASSIGNED, actor=actor, reason=f"assigned to {assignee.pk}")
    else:
        case.save(update_fields=["assignee"])
        _audit(event="case.assigned", actor=actor, case=case, reason=f"assigned to {assignee.pk}")
    return case


@transaction.atomic
def case_open_by_moderator(*, actor: Any, kind: str, object_id: int, category: str, reason: str) -> Case:
    """Act without a report: a moderator opens (or joins) the subject's case."""
    if category not in CASE_CATEGORIES:
        raise ValidationFailed(details={"category": [f"one of {list(CASE_CATEGORIES)}"]})
    if not may_act(actor, category):
        raise Forbidden(code="category_not_permitted")
    if not reason.strip():
        raise ValidationFailed("A reason is required.", code="reason_required")
    ref = registry.resolve(kind, object_id)
    case, created = _unresolved_case(
        ref, category=category, severity=CATEGORY_SEVERITY.get(category, 1.0), source="moderator"
    )
    if created:
        _audit(event="case.opened", actor=actor, case=case, reason=reason)
    return case


CONTENT_ACTION_KINDS = (REMOVE, RESTORE, AGE_RESTRICT, LABEL)
ACCOUNT_ACTION_KINDS = ("warn", "strike", "suspend", "ban", "freeze_subtree")
ACTION_KINDS = (*CONTENT_ACTION_KINDS, *ACCOUNT_ACTION_KINDS, "dismiss")


def _send_content_actioned(ref: registry.SubjectRef, action: str, case_id: int, reason: str) -> None:
    transaction.on_commit(
        lambda: content_actioned.send(
            sender=Case, kind=ref.kind, object_id=ref.id, action=action, case_id=case_id, reason=reason
        )
    )


def _account_action(action: str, *, user: Any, actor: Any, reason: str) -> dict[str, Any]:
    """Suspend, ban and subtree freezes belong to accounts; moderation only calls its services."""
    from sora_social.accounts import services as accounts

    if action == "suspend":
        record = accounts.user_suspend(user=user, actor=actor, reason=reason)
    elif action == "ban":
        record = accounts.user_ban(user=user, actor=actor, reason=reason)
    else:
        record = accounts.subtree_freeze(root=user, actor=actor, reason=reason)
    return {"account_action_id": str(record.pk)}


@transaction.atomic
def case_act(
    *, case_id: int, action: str, actor: Any, reason: str, label: str = ""
) -> ModerationAction | None:
    """One moderator action on a case's subject (or its owner), with a required reason.

    Content actions are sent to the owning app with `content_actioned`;
    account actions go to the accounts services. Any action but restore
    resolves the case and settles its reports (upheld, or dismissed).
    """
    if action not in ACTION_KINDS:
        raise ValidationFailed(details={"action": [f"one of {list(ACTION_KINDS)}"]})
    if not reason or not reason.strip():
        raise ValidationFailed("A reason is required for every action.", code="reason_required")
    case = _locked_case(case_id, actor)
    if (
        action in ACCOUNT_ACTION_KINDS
        and action != "warn"
        and not may_act(actor, case.category, account_action=True)
    ):
        raise Forbidden(
            "Account actions need a group that allows them.", code="account_actions_not_permitted"
        )
    ref = registry.SubjectRef(case.subject_kind, case.subject_id)
    adapter = registry.adapter_for(ref.kind)
    owner = None
    owner_id = adapter.owner_id(ref.id)
    if owner_id is not None:
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.filter(pk=owner_id).first()
    record = None
    if action != "dismiss":
        data: dict[str, Any] = {"label": label} if label else {}
        if action in ACCOUNT_ACTION_KINDS and owner is None:
            raise Conflict("This subject has no owner to act on.", code="no_owner")
        if action in ("suspend", "ban", "freeze_subtree"):
            data.update(_account_action(action, user=owner, actor=actor, reason=reason))
        if ref.kind == registry.PARENTAL_LINK and action == REMOVE:
            # A parental link belongs to accounts: removing it ends it there.
            from sora_social.accounts import services as accounts

            accounts.parental_link_end(link_id=ref.id, actor=actor, reason=reason)
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
            _send_content_actioned(ref, action, case.id, reason)
        if action == "strike":
            Strike.objects.create(
                user=owner,
                case=case,
                action=record,
                category=case.category,
                reason=reason[:500],
                appeal_deadline=timezone.now() + timedelta(days=settings.STRIKE_APPEAL_DAYS),
            )
        if action in ("warn", "strike"):
            send_user_event_on_commit(
                owner.pk, {"type": f"moderation.{action}", "category": case.category, "reason": reason}
            )
    _audit(
        event=f"action.{action}",
        actor=actor,
        case=case,
        reason=reason,
        action_id=str(record.id) if record else None,
    )
    if action != RESTORE:
        outcome = Report.Outcome.DISMISSED if action == "dismiss" else Report.Outcome.UPHELD
        case.reports.filter(outcome=Report.Outcome.PENDING).update(outcome=outcome)
        case.resolution = f"{action}: {reason}"[:300]
        if case.state != CaseState.RESOLVED:
            _move(case, CaseState.RESOLVED, actor=actor, reason=reason)
        else:
            case.save(update_fields=["resolution"])
    return record


@transaction.atomic
def subject_act(*, actor: Any, kind: str, object_id: int, category: str, action: str, reason: str) -> Case:
    """Open (or join) the subject's case and act at once: acting without a report."""
    case = case_open_by_moderator(
        actor=actor, kind=kind, object_id=object_id, category=category, reason=reason
    )
    case_act(case_id=case.id, action=action, actor=actor, reason=reason)
    case.refresh_from_db()
    return case


# --- strikes and appeals ---------------------------------------------------------------


@transaction.atomic
def strike_appeal(*, strike_id: int | None, user: Any, text: str) -> Strike:
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
            _move(case, CaseState.APPEALED, actor=user, reason="appeal")
    _audit(event="strike.appealed", actor=user, case=strike.case, reason=text[:200], strike_id=str(strike.id))
    return strike


@transaction.atomic
def strike_appeal_decide(*, strike_id: int, actor: Any, overturn: bool, reason: str) -> Strike:
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
    case = Case.objects.select_for_update().filter(pk=strike.case_id).first()
    if case is not None:
        if overturn and case.actions.filter(action__in=[REMOVE, HIDE]).exists():
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
            _send_content_actioned(ref, RESTORE, case.id, reason)
        if case.state in (CaseState.APPEALED, CaseState.ASSIGNED):
            _move(
                case,
                CaseState.RESOLVED,
                actor=actor,
                reason=f"appeal {'overturned' if overturn else 'upheld'}",
            )
    _audit(
        event="strike.overturned" if overturn else "strike.upheld",
        actor=actor,
        case=case,
        reason=reason,
        strike_id=str(strike.id),
    )
    return strike


# --- policies and rescans ----------------------------------------------------------------


@transaction.atomic
def policy_publish(
    *,
    actor: Any,
    thresholds: dict[str, Any],
    teen_thresholds: dict[str, Any],
    note: str = "",
    rescan_block_action: str = "review",
) -> Policy:
    """Store a new policy version, make it the active one, and start a rescan under it."""
    try:
        adult, teen = validate_thresholds(thresholds), validate_thresholds(teen_thresholds)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="bad_thresholds") from exc
    if rescan_block_action not in ("review", "hide"):
        raise ValidationFailed(details={"rescan_block_action": ["review or hide"]})
    current = active_policy()
    Policy.objects.select_for_update().filter(pk=current.pk).update(active=False)
    policy = Policy.objects.create(
        version=current.version + 1,
        thresholds=adult,
        teen_thresholds=teen,
        note=note[:300],
        rescan_block_action=rescan_block_action,
        active=True,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    job = RescanJob.objects.create(policy=policy, total=StoredVerdict.objects.count())
    _audit(event="policy.published", actor=actor, reason=note, policy=policy.label, rescan_id=str(job.id))
    from sora_social.common.tasks import enqueue_on_commit

    enqueue_on_commit("moderation.rescan_batch", job_id=job.id)
    return policy


@transaction.atomic
def rescan_run_batch(*, job_id: int, batch_size: int | None = None) -> bool:
    """Re-decide the next batch of stored verdicts under the job's policy. True while more remain.

    The job row is locked for the whole batch and the cursor moves with it, so a
    redelivered message repeats nothing. A newer policy supersedes older jobs.
    """
    batch_size = batch_size or settings.RESCAN_BATCH_SIZE
    job = RescanJob.objects.select_for_update().select_related("policy").filter(pk=job_id).first()
    if job is None or job.state == RescanJob.State.DONE:
        return False
    policy = job.policy
    if not policy.active:
        job.state, job.finished_at = RescanJob.State.DONE, timezone.now()
        job.save()
        return False
    job.state = RescanJob.State.RUNNING
    rows = list(StoredVerdict.objects.filter(id__gt=job.cursor).order_by("id")[:batch_size])
    changed = []
    for row in rows:
        decision, flagged, reasons = decide(
            scores=row.scores,
            matches=row.matches,
            teen=row.teen,
            thresholds=policy.thresholds,
            teen_thresholds=policy.teen_thresholds,
            classifier_reasons=[r for r in row.reasons if r.startswith("term:")],
        )
        previous = row.decision
        row.policy_version, row.decided_at = policy.label, timezone.now()
        if decision != previous or flagged != row.flagged or reasons != row.reasons:
            row.decision, row.flagged, row.reasons = decision, flagged, reasons
            changed.append((row, previous))
    StoredVerdict.objects.bulk_update(
        rows, ["decision", "flagged", "reasons", "policy_version", "decided_at"]
    )
    for row, previous in changed:
        case = None
        newly_violating = row.decision in (REVIEW, BLOCK) and previous not in (REVIEW, BLOCK)
        if newly_violating and row.subject_kind and row.subject_id:
            ref = registry.SubjectRef(row.subject_kind, row.subject_id)
            if ref.kind in registry.subject_kinds():
                case = _case_for_verdict(ref=ref, verdict=row, flagged=row.flagged)
                if row.decision == BLOCK and policy.rescan_block_action == "hide":
                    ModerationAction.objects.create(
                        case=case,
                        subject_kind=ref.kind,
                        subject_id=ref.id,
                        action=HIDE,
                        reason=f"rescan under {policy.label}",
                    )
                    _send_content_actioned(ref, HIDE, case.id, f"rescan under {policy.label}")
        AuditEvent.objects.create(
            event="automated.redecided",
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            case=case,
            reason=",".join(row.reasons),
            data={"verdict_id": str(row.id), "from": previous, "to": row.decision, "policy": policy.label},
        )
    job.done += len(rows)
    job.changed += len(changed)
    if rows:
        job.cursor = rows[-1].id
    more = len(rows) == batch_size
    if not more:
        job.state, job.finished_at = RescanJob.State.DONE, timezone.now()
        job.total = max(job.total, job.done)
    job.save()
    return more
