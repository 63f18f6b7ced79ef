"""The moderation case machine: declared once, every declared move works through the services,
every other move is refused with IllegalTransition, and automatic moves stay within the declaration."""

from __future__ import annotations

import itertools

import pytest

from moderation import services
from moderation.models import AuditEvent, Case, CaseState
from moderation.states import CASE_MACHINE
from sora_social.common.states import IllegalTransition, state_changed
from tests.accounts.factories import make_member
from tests.moderation.factories import SeasonedUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

DECLARED = sorted((source, target) for source, targets in CASE_MACHINE.table.items() for target in targets)
UNDECLARED = sorted(
    (source, target)
    for source, target in itertools.product(CaseState.values, repeat=2)
    if not CASE_MACHINE.can_move(source, target)
)


@pytest.fixture
def admin_user():
    return StaffFactory(is_superuser=True)


def _case_in(state: str, subject_id: int) -> Case:
    """A case put straight into `state` (fixture set-up, not a move under test)."""
    return Case.objects.create(subject_kind="clip", subject_id=subject_id, category="violence", state=state)


def test_the_machine_declares_every_case_state_and_no_terminal_one():
    """Every CaseState has a row in the declaration; a resolved case can still be appealed."""
    assert set(CASE_MACHINE.table) == set(CaseState.values)
    assert CASE_MACHINE.finals == frozenset()
    assert CASE_MACHINE.targets_of(CaseState.RESOLVED) == {CaseState.APPEALED}


@pytest.mark.parametrize(("source", "target"), DECLARED)
def test_every_declared_move_works_through_the_service(
    source, target, admin_user, django_capture_on_commit_callbacks
):
    """case_transition moves the case, stamps it, audits the move and sends state_changed on commit."""
    case = _case_in(source, subject_id=1000 + DECLARED.index((source, target)))
    before = case.state_changed_at
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    state_changed.connect(receiver, sender=Case)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.case_transition(case_id=case.id, to=target, actor=admin_user, reason="test")
    finally:
        state_changed.disconnect(receiver, sender=Case)
    case.refresh_from_db()
    assert moved.state == case.state == target
    assert case.state_changed_at >= before
    if target == CaseState.RESOLVED:
        assert case.resolved_at == case.state_changed_at
    event = AuditEvent.objects.get(event=f"case.{target}", case=case)
    assert event.data == {"previous": source}
    assert [(s["machine"], s["pks"], s["source"], s["target"]) for s in sent] == [
        (CASE_MACHINE, [case.id], source, target)
    ]


@pytest.mark.parametrize(("source", "target"), UNDECLARED)
def test_every_undeclared_move_is_refused(source, target, admin_user):
    """A move the machine does not declare raises IllegalTransition (409) and changes nothing."""
    case = _case_in(source, subject_id=2000 + UNDECLARED.index((source, target)))
    with pytest.raises(IllegalTransition) as caught:
        services.case_transition(case_id=case.id, to=target, actor=admin_user, reason="test")
    assert caught.value.code == "illegal_transition"
    assert caught.value.status == 409
    case.refresh_from_db()
    assert case.state == source
    assert not AuditEvent.objects.filter(case=case).exists()


def test_assigning_moves_only_from_the_declared_sources(admin_user):
    """Assigning an assigned or resolved case keeps its state; from open, escalated or appealed it moves."""
    for i, state in enumerate(CaseState.values):
        case = _case_in(state, subject_id=3000 + i)
        services.case_assign(case_id=case.id, assignee=admin_user, actor=admin_user)
        case.refresh_from_db()
        expected = CaseState.ASSIGNED if CASE_MACHINE.can_move(state, CaseState.ASSIGNED) else state
        assert (case.state, case.assignee_id) == (expected, admin_user.pk)


def test_a_report_escalates_only_from_the_declared_sources(clips):
    """A fast-tracked report escalates an open case but leaves an appealed one where it is."""
    owner = make_member()
    clips.add(41, owner_id=owner.pk, title="open clip", reach=5)
    clips.add(42, owner_id=owner.pk, title="appealed clip", reach=5)
    appealed = Case.objects.create(
        subject_kind="clip", subject_id=42, category="other", state=CaseState.APPEALED
    )
    for subject_id in (41, 42):
        services.report_create(
            reporter=SeasonedUserFactory(), kind="clip", object_id=subject_id, reason="sexual_minors"
        )
    assert Case.objects.get(subject_id=41).state == CaseState.ESCALATED
    appealed.refresh_from_db()
    assert appealed.state == CaseState.APPEALED
