"""The one way a job changes state: `job_transition` (one job) and `jobs_cancel_where` (a set).

Both go through `sora_social.common.states` with `generation.states.JOB_MACHINE`:
row lock, declared-move check, guarded write. On top of the engine, a move
here records the stage's progress, the heartbeat, an error entry and
`finished_at`, tells the owner's app (WebSocket) and, for a terminal state,
other apps (`generation_finished`) once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from generation.models import GenerationJob
from generation.presenters import job_finished_event, job_progress_event
from generation.signals import generation_finished
from generation.states import JOB_MACHINE, PROGRESS_AT, TERMINAL, JobState
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.states import StaleTransition, bulk_transition, transition

MAX_ERRORS_KEPT = 20


def error_entry(*, state: str, attempt: int, error: str) -> dict[str, Any]:
    """One entry of a job's `errors` list: when, in which state and attempt, what (cut at 500)."""
    return {"at": timezone.now().isoformat(), "state": state, "attempt": attempt, "error": error[:500]}


def announce_finished(*, job_id: int, user_id: int, state: str, blocked_reason: str = "") -> None:
    """On commit: the owner's `generation.finished` event and the `generation_finished` signal."""
    send_user_event_on_commit(
        user_id, job_finished_event(job_id=job_id, state=state, blocked_reason=blocked_reason)
    )
    transaction.on_commit(
        lambda: generation_finished.send(sender=GenerationJob, job_id=job_id, user_id=user_id, state=state)
    )


@transaction.atomic
def job_transition(
    *,
    job_id: int,
    to: str,
    expect: set[str] | frozenset[str] | None = None,
    attempt: int | None = None,
    error: str | None = None,
    **fields: Any,
) -> GenerationJob:
    """Move a job to `to` under a row lock (`IllegalTransition` for a move the machine lacks).

    `expect` and `attempt` say what the caller believes (the state it worked
    from, the render attempt it holds); if the row says otherwise the caller
    lost the job (cancelled, or taken back by the reconciler) and gets
    `StaleTransition`, changing nothing. `fields` are set in the same write.
    """
    now = timezone.now()

    def same_attempt(job: GenerationJob) -> None:
        if attempt is not None and job.attempts != attempt:
            raise StaleTransition(
                f"job {job_id} is {job.state}/attempt {job.attempts}",
                details={"machine": JOB_MACHINE.name, "from": job.state, "to": str(to)},
            )

    def values(job: GenerationJob, source: str) -> Mapping[str, Any]:
        out: dict[str, Any] = {"state_changed_at": now, "heartbeat_at": now}
        if to in PROGRESS_AT:
            out["progress"] = PROGRESS_AT[to]
        if error:
            entry = error_entry(state=source, attempt=job.attempts, error=error)
            out["errors"] = [*job.errors, entry][-MAX_ERRORS_KEPT:]
        if to in TERMINAL:
            out["finished_at"] = now
        out.update(fields)
        return out

    job = transition(
        JOB_MACHINE,
        GenerationJob.objects.all(),
        pk=job_id,
        to=to,
        expect=expect,
        check=same_attempt,
        fields=values,
        subject="generation job",
    )
    send_user_event_on_commit(
        job.user_id, job_progress_event(job_id=job.id, state=job.state, progress=job.progress)
    )
    if to in TERMINAL:
        announce_finished(
            job_id=job.id, user_id=job.user_id, state=job.state, blocked_reason=job.blocked_reason
        )
    return job


def jobs_cancel_where(jobs: QuerySet[GenerationJob], *, reason: str) -> list[int]:
    """Cancel every unfinished job in `jobs`, set-based (one locking read, one update); their ids.

    For the signal receivers: they run inside the sender's transaction and
    must cost the same for one job or a thousand. The rows moved are those
    the machine lets go to `cancelled` (every unfinished state). A worker
    rendering one of these jobs notices at its next step (its heartbeat
    update finds the state changed) and stops, keeping nothing.
    """
    with transaction.atomic():
        now = timezone.now()
        moved = bulk_transition(
            JOB_MACHINE,
            jobs,
            to=JobState.CANCELLED,
            fields={
                "state_changed_at": now,
                "heartbeat_at": now,
                "finished_at": now,
                "blocked_reason": reason,
            },
        )
        if not moved:
            return []
        for job_id, user_id in GenerationJob.objects.filter(pk__in=moved).values_list("id", "user_id"):
            send_user_event_on_commit(
                user_id, job_progress_event(job_id=job_id, state=JobState.CANCELLED, progress=0.0)
            )
            announce_finished(job_id=job_id, user_id=user_id, state=JobState.CANCELLED, blocked_reason=reason)
    return moved
