"""The job state machine: the declared table, the one transition service and its row lock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from generation import states
from generation.models import GenerationJob
from generation.services import job_transition
from generation.states import JobState as S
from sora_social.common.states import IllegalTransition, StaleTransition
from tests.generation.factories import GenerationJobFactory

HAPPY_PATH = [
    S.QUEUED,
    S.CHECKING_PROMPT,
    S.WAITING_FOR_GPU,
    S.RENDERING,
    S.CHECKING_OUTPUT,
    S.FINISHING,
    S.READY,
]


def test_table_covers_every_state_and_terminals_are_final():
    """Every state has a row in the table; ready, blocked, failed and cancelled lead nowhere."""
    assert set(states.JOB_MACHINE.table) == set(S.values)
    for state in states.TERMINAL:
        assert states.JOB_MACHINE.table[state] == frozenset()
    assert {S.READY, S.BLOCKED, S.FAILED, S.CANCELLED} == states.TERMINAL


def test_table_is_exactly_the_declared_one():
    """The legal moves are the pipeline, plus cancel/fail anywhere unfinished, plus the two take-backs."""
    expected = {
        (S.QUEUED, S.CHECKING_PROMPT),
        (S.CHECKING_PROMPT, S.WAITING_FOR_GPU),
        (S.CHECKING_PROMPT, S.BLOCKED),
        (S.CHECKING_PROMPT, S.QUEUED),
        (S.WAITING_FOR_GPU, S.RENDERING),
        (S.RENDERING, S.CHECKING_OUTPUT),
        (S.RENDERING, S.WAITING_FOR_GPU),
        (S.CHECKING_OUTPUT, S.FINISHING),
        (S.CHECKING_OUTPUT, S.BLOCKED),
        (S.CHECKING_OUTPUT, S.WAITING_FOR_GPU),
        (S.FINISHING, S.READY),
        (S.FINISHING, S.BLOCKED),
        (S.FINISHING, S.WAITING_FOR_GPU),
        (S.CHECKING_PROMPT, S.NEEDS_APPROVAL),
        (S.NEEDS_APPROVAL, S.WAITING_FOR_GPU),
        (S.NEEDS_APPROVAL, S.BLOCKED),
    }
    expected |= {(s, end) for s in states.ACTIVE for end in (S.CANCELLED, S.FAILED)}
    actual = {(a, b) for a, targets in states.JOB_MACHINE.table.items() for b in targets}
    assert actual == expected


def test_blocked_only_from_the_check_states_and_an_owner_decision():
    """Only a check can block a job (checking_prompt, checking_output, the store checks in
    finishing), or a cameo owner denying a use it waits for (needs_approval)."""
    sources = {a for a, targets in states.JOB_MACHINE.table.items() if S.BLOCKED in targets}
    assert sources == {S.CHECKING_PROMPT, S.CHECKING_OUTPUT, S.FINISHING, S.NEEDS_APPROVAL}


@pytest.mark.django_db
def test_transition_walks_the_pipeline_and_records_times():
    """Each legal move is saved with state_changed_at and the progress of that stage."""
    job = GenerationJobFactory()
    before = job.state_changed_at
    for target in HAPPY_PATH[1:]:
        job = job_transition(job_id=job.id, to=target)
        assert job.state == target
        assert job.state_changed_at >= before
        before = job.state_changed_at
    job.refresh_from_db()
    assert job.state == S.READY
    assert job.progress == 1.0
    assert job.finished_at is not None


@pytest.mark.django_db
def test_illegal_and_stale_moves_change_nothing():
    """A move not in the table, or from a state the caller no longer holds, raises and saves nothing."""
    job = GenerationJobFactory()
    with pytest.raises(IllegalTransition):
        job_transition(job_id=job.id, to=S.READY)
    with pytest.raises(StaleTransition):
        job_transition(job_id=job.id, to=S.CANCELLED, expect={S.RENDERING})
    with pytest.raises(StaleTransition):
        job_transition(job_id=job.id, to=S.CANCELLED, attempt=3)
    job.refresh_from_db()
    assert job.state == S.QUEUED


@pytest.mark.django_db
def test_errors_are_recorded_with_state_and_attempt():
    """An error passed to a transition is appended with the state it happened in and the attempt."""
    job = GenerationJobFactory(state=S.RENDERING, attempts=1)
    job_transition(job_id=job.id, to=S.WAITING_FOR_GPU, error="worker lost in rendering")
    job.refresh_from_db()
    assert job.errors[-1]["state"] == S.RENDERING
    assert job.errors[-1]["attempt"] == 1
    assert "worker lost" in job.errors[-1]["error"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_from_one_state_let_exactly_one_win():
    """Two connections racing to move the same job out of waiting_for_gpu: one wins, one is stale."""
    job = GenerationJobFactory(state=S.WAITING_FOR_GPU)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def race(target: str) -> None:
        barrier.wait()
        try:
            job_transition(job_id=job.id, to=target, expect={S.WAITING_FOR_GPU})
            results.append(target)
        except StaleTransition:
            results.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(t,)) for t in (S.RENDERING, S.CANCELLED)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("stale") == 1
    winner = next(r for r in results if r != "stale")
    assert GenerationJob.objects.get(pk=job.id).state == winner


@pytest.mark.django_db
def test_state_changed_at_moves_forward():
    """The recorded time is the time of the move, not of creation."""
    job = GenerationJobFactory(state_changed_at=timezone.now() - timedelta(hours=1))
    moved = job_transition(job_id=job.id, to=S.CHECKING_PROMPT)
    assert moved.state_changed_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_reconciler_leaves_jobs_waiting_for_an_owner_alone():
    """A job in needs_approval waits for a person: however old its heartbeat, the reconciler
    neither re-sends it nor takes it back to a GPU."""
    old = timezone.now() - timedelta(days=2)
    job = GenerationJobFactory(state=S.NEEDS_APPROVAL, heartbeat_at=old, state_changed_at=old)
    from generation.services import jobs_reconcile

    assert jobs_reconcile() == {"renudged": 0, "taken_back": 0, "failed": 0}
    job.refresh_from_db()
    assert job.state == S.NEEDS_APPROVAL
