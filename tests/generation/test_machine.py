"""JOB_MACHINE through the services: every declared move, every other refused, set-based moves."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from generation.models import GenerationJob
from generation.services import job_transition, jobs_cancel_where
from generation.states import ACTIVE, JOB_MACHINE, TERMINAL, JobState
from sora_social.common.states import IllegalTransition, StaleTransition, state_changed
from tests.generation.factories import GenerationJobFactory

pytestmark = pytest.mark.django_db

DECLARED = sorted((source, target) for source, targets in JOB_MACHINE.table.items() for target in targets)
UNDECLARED = sorted(
    (source, target)
    for source in JobState.values
    for target in JobState.values
    if target not in JOB_MACHINE.table[source]
)


def test_terminal_states_come_from_the_machine() -> None:
    """TERMINAL is the machine's finals; ACTIVE is every other state."""
    assert frozenset({JobState.READY, JobState.BLOCKED, JobState.FAILED, JobState.CANCELLED}) == TERMINAL
    assert JOB_MACHINE.finals == TERMINAL
    assert frozenset(JobState.values) - TERMINAL == ACTIVE


@pytest.mark.parametrize(("source", "target"), DECLARED)
def test_every_declared_move_works_through_job_transition(source: str, target: str) -> None:
    """job_transition makes each declared move and records its time (and finished_at when terminal)."""
    job = GenerationJobFactory(state=source)
    moved = job_transition(job_id=job.id, to=target, expect={source})
    job.refresh_from_db()
    assert moved.state == job.state == target
    assert job.state_changed_at == moved.state_changed_at
    assert (job.finished_at is not None) == (target in TERMINAL)


@pytest.mark.parametrize(("source", "target"), UNDECLARED)
def test_every_undeclared_move_is_illegal_and_changes_nothing(source: str, target: str) -> None:
    """A move the machine lacks raises IllegalTransition (409 `illegal_transition`) and saves nothing."""
    job = GenerationJobFactory(state=source)
    with pytest.raises(IllegalTransition) as refused:
        job_transition(job_id=job.id, to=target)
    assert refused.value.status == 409
    assert refused.value.code == "illegal_transition"
    job.refresh_from_db()
    assert job.state == source


def test_a_lost_attempt_is_stale() -> None:
    """A worker holding an older attempt than the row's gets StaleTransition, not a move."""
    job = GenerationJobFactory(state=JobState.RENDERING, attempts=2)
    with pytest.raises(StaleTransition):
        job_transition(job_id=job.id, to=JobState.CHECKING_OUTPUT, expect={JobState.RENDERING}, attempt=1)
    job.refresh_from_db()
    assert job.state == JobState.RENDERING


def test_set_based_cancel_moves_only_the_declared_sources() -> None:
    """jobs_cancel_where cancels the jobs the machine lets go to cancelled; finished ones are untouched."""
    jobs = {state: GenerationJobFactory(state=state) for state in JobState.values}
    moved = jobs_cancel_where(GenerationJob.objects.all(), reason="test")
    assert sorted(moved) == sorted(jobs[s].id for s in JOB_MACHINE.sources_of(JobState.CANCELLED))
    for state, job in jobs.items():
        job.refresh_from_db()
        if state in ACTIVE:
            assert (job.state, job.blocked_reason) == (JobState.CANCELLED, "test")
            assert job.finished_at is not None
        else:
            assert job.state == state


@pytest.mark.django_db(transaction=True)
def test_moves_send_state_changed_on_commit() -> None:
    """The engine's `state_changed` goes out once the move commits, with the machine and the pks."""
    seen: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        seen.append(kwargs)

    state_changed.connect(receiver, sender=GenerationJob, weak=False, dispatch_uid="test-job-moves")
    try:
        job = GenerationJobFactory()
        with transaction.atomic():
            job_transition(job_id=job.id, to=JobState.CHECKING_PROMPT)
            assert seen == []
        assert [(s["machine"], s["pks"], s["source"], s["target"]) for s in seen] == [
            (JOB_MACHINE, [job.id], JobState.QUEUED, JobState.CHECKING_PROMPT)
        ]
    finally:
        state_changed.disconnect(dispatch_uid="test-job-moves", sender=GenerationJob)


def test_cancelling_a_finished_job_through_the_api_is_409(auth_client: Any, user: Any) -> None:
    """DELETE on a ready job: the move from a terminal state is refused with 409 `generation_finished`."""
    job = GenerationJobFactory(user=user, state=JobState.READY)
    response = auth_client.delete(f"/api/v1/generations/{job.id}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "generation_finished"
    job.refresh_from_db()
    assert job.state == JobState.READY
