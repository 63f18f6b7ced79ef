"""Moderation decisions reach members as notifications: owners, reporters (outcome only), appeals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import Case, Strike
from sora_social.notifications.models import Notification
from tests.accounts.factories import make_member
from tests.moderation.factories import SeasonedUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(clips):
    owner = make_member()
    clips.add(31, owner_id=owner.pk, title="reported clip", reach=50)
    reporters = [SeasonedUserFactory() for _ in range(3)]
    for reporter in reporters:
        services.report_create(reporter=reporter, kind="clip", object_id=31, reason="violence")
    return Case.objects.get(subject_id=31), owner, reporters


def test_removal_tells_the_owner_and_each_reporter_only_the_outcome(reported):
    """The owner hears what was done to their content; each reporter hears "action taken", and nothing
    about the reported member (no owner id, no action, no reason)."""
    case, owner, reporters = reported
    moderator = StaffFactory(is_superuser=True)
    services.case_act(case_id=case.id, action="remove", actor=moderator, reason="gore, private note")
    outcome = Notification.objects.get(user=owner, kind="moderation.outcome")
    assert outcome.payload == {
        "action": "remove",
        "subject_kind": "clip",
        "subject_id": "31",
        "category": case.category,
    }
    for reporter in reporters:
        note = Notification.objects.get(user=reporter, kind="moderation.report_outcome")
        assert note.payload["outcome"] == "action_taken"
        assert set(note.payload) == {"report_id", "subject_kind", "outcome"}
        assert str(owner.pk) not in str(note.payload)
        assert note.actor_id is None
    assert not Notification.objects.filter(user=moderator).exists()


def test_dismissal_tells_reporters_no_violation_and_the_owner_nothing(reported):
    """A dismissed case: reporters hear "no violation found"; the owner is not notified."""
    case, owner, reporters = reported
    services.case_act(case_id=case.id, action="dismiss", actor=StaffFactory(is_superuser=True), reason="fine")
    assert {n.payload["outcome"] for n in Notification.objects.filter(kind="moderation.report_outcome")} == {
        "no_violation_found"
    }
    assert Notification.objects.filter(kind="moderation.report_outcome").count() == len(reporters)
    assert not Notification.objects.filter(user=owner).exists()


def test_a_report_is_answered_once(reported):
    """A second action on a resolved case does not tell the reporters again (their reports are settled)."""
    case, _, reporters = reported
    moderator = StaffFactory(is_superuser=True)
    services.case_act(case_id=case.id, action="label", actor=moderator, reason="graphic", label="graphic")
    services.case_act(case_id=case.id, action="remove", actor=moderator, reason="worse than labelled")
    assert Notification.objects.filter(kind="moderation.report_outcome").count() == len(reporters)


def test_strike_and_its_appeal_decision_are_notified(reported):
    """A strike is a `moderation.strike` notification; the appeal's decision a `moderation.strike_decided`."""
    case, owner, _ = reported
    moderator = StaffFactory(is_superuser=True)
    services.case_act(case_id=case.id, action="strike", actor=moderator, reason="repeat")
    assert Notification.objects.get(user=owner, kind="moderation.strike").payload["reason"] == "repeat"
    strike = Strike.objects.get(user=owner)
    Strike.objects.filter(pk=strike.pk).update(appeal_deadline=timezone.now() + timedelta(days=1))
    services.strike_appeal(strike_id=strike.id, user=owner, text="it was satire")
    services.strike_appeal_decide(strike_id=strike.id, actor=moderator, overturn=True, reason="satire")
    decided = Notification.objects.get(user=owner, kind="moderation.strike_decided")
    assert decided.payload == {
        "strike_id": str(strike.id),
        "category": strike.category,
        "decision": "overturned",
    }
