"""Rescans: re-deciding stored verdicts under a newly published policy, one batch at a time."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation import registry
from moderation.classifiers import BLOCK, REVIEW
from moderation.models import AuditEvent, Case, ModerationAction, Policy, RescanJob, StoredVerdict
from moderation.policies import decide
from moderation.services.actions import send_content_actioned
from moderation.services.cases import case_for_verdict
from moderation.signals import HIDE


def _redecide(rows: list[StoredVerdict], policy: Policy) -> list[tuple[StoredVerdict, str]]:
    """Re-decide the rows under `policy` and write them; returns the changed ones with their old decision."""
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
    return changed


def _act_on_change(row: StoredVerdict, previous: str, policy: Policy) -> None:
    """A verdict that newly violates opens (or joins) a case, and is hidden when the policy says so."""
    case: Case | None = None
    newly_violating = row.decision in (REVIEW, BLOCK) and previous not in (REVIEW, BLOCK)
    if newly_violating and row.subject_kind and row.subject_id:
        ref = registry.SubjectRef(row.subject_kind, row.subject_id)
        if ref.kind in registry.subject_kinds():
            case = case_for_verdict(ref=ref, verdict=row, flagged=row.flagged)
            if row.decision == BLOCK and policy.rescan_block_action == "hide":
                ModerationAction.objects.create(
                    case=case,
                    subject_kind=ref.kind,
                    subject_id=ref.id,
                    action=HIDE,
                    reason=f"rescan under {policy.label}",
                )
                send_content_actioned(ref, HIDE, case.id, f"rescan under {policy.label}")
    AuditEvent.objects.create(
        event="automated.redecided",
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        case=case,
        reason=",".join(row.reasons),
        data={"verdict_id": str(row.id), "from": previous, "to": row.decision, "policy": policy.label},
    )


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
    changed = _redecide(rows, policy)
    for row, previous in changed:
        _act_on_change(row, previous, policy)
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
