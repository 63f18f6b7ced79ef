"""Reports fold into cases; priority, trust, fast track; mass reports never remove content."""

from __future__ import annotations

import pytest

from moderation.models import AuditEvent, Case, CaseState, ModerationAction, Report
from tests.accounts.factories import UserFactory
from tests.moderation.factories import SeasonedUserFactory

pytestmark = pytest.mark.django_db


def test_report_a_user_creates_a_case(client_for):
    """POST /api/v1/reports on a user opens a case with the report in it."""
    reporter, target = SeasonedUserFactory(), UserFactory()
    response = client_for(reporter).post(
        "/api/v1/reports",
        {"target_kind": "user", "target_id": str(target.pk), "reason": "harassment"},
        format="json",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=int(response.json()["case_id"]))
    assert (case.subject_kind, case.subject_id, case.category, case.state) == (
        "user",
        target.pk,
        "harassment",
        "open",
    )
    assert AuditEvent.objects.filter(event="report.created", case=case).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"target_kind": "user", "target_id": "999", "reason": "spam"}, 404, "not_found"),
        ({"target_kind": "user", "target_id": "nope", "reason": "spam"}, 404, "not_found"),
        ({"target_kind": "playlist", "target_id": "1", "reason": "spam"}, 404, "unknown_subject_kind"),
        ({"target_kind": "user", "target_id": "1", "reason": "boring"}, 400, "validation_error"),
    ],
)
def test_bad_reports_are_clear_errors_and_change_nothing(auth_client, body, status, code):
    """Unknown ids and kinds are 404, unknown reasons 400; no case is created."""
    response = auth_client.post("/api/v1/reports", body, format="json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Case.objects.count() == 0


def test_duplicate_reports_fold_into_one_case(client_for, clips):
    """Reports by several members on one subject share one case; a repeat by one member adds nothing."""
    owner = UserFactory()
    clips.add(11, owner_id=owner.pk, title="clip")
    reporters = [SeasonedUserFactory() for _ in range(3)]
    for reporter in [*reporters, reporters[0]]:
        response = client_for(reporter).post(
            "/api/v1/reports", {"target_kind": "clip", "target_id": "11", "reason": "violence"}, format="json"
        )
        assert response.status_code == 201
    case = Case.objects.get()
    assert case.report_count == 3
    assert Report.objects.count() == 3


def test_priority_is_severity_times_reach_times_trust(clips):
    """More reach and graver reasons rank higher; a new account's report weighs less."""
    from moderation import services

    owner = UserFactory()
    clips.add(1, owner_id=owner.pk, title="small", reach=1)
    clips.add(2, owner_id=owner.pk, title="viral", reach=100_000)
    clips.add(3, owner_id=owner.pk, title="small again", reach=1)
    seasoned, fresh = SeasonedUserFactory(), UserFactory()
    services.report_create(reporter=seasoned, kind="clip", object_id=1, reason="spam")
    services.report_create(reporter=seasoned, kind="clip", object_id=2, reason="spam")
    services.report_create(reporter=fresh, kind="clip", object_id=3, reason="spam")
    small, viral, by_fresh = (Case.objects.get(subject_id=i) for i in (1, 2, 3))
    assert viral.priority > small.priority > by_fresh.priority
    assert Report.objects.get(case=by_fresh).trust < Report.objects.get(case=small).trust


def test_likeness_without_consent_is_fast_tracked(clips):
    """A likeness report escalates at once and outranks graver-sounding ordinary reports."""
    from moderation import services

    owner = UserFactory()
    clips.add(1, owner_id=owner.pk, title="a")
    clips.add(2, owner_id=owner.pk, title="b")
    services.report_create(reporter=SeasonedUserFactory(), kind="clip", object_id=1, reason="violence")
    services.report_create(
        reporter=SeasonedUserFactory(), kind="clip", object_id=2, reason="likeness_without_consent"
    )
    likeness = Case.objects.get(subject_id=2)
    assert likeness.fast_track is True
    assert likeness.state == CaseState.ESCALATED
    assert likeness.priority > Case.objects.get(subject_id=1).priority


def test_mass_reporting_never_removes_content(clips):
    """Forty fresh accounts reporting one clip raise its priority and escalate it, but nothing is removed."""
    from moderation import services

    clips.add(5, owner_id=UserFactory().pk, title="targeted")
    for _ in range(40):
        services.report_create(reporter=UserFactory(), kind="clip", object_id=5, reason="hate")
    case = Case.objects.get()
    assert case.report_count == 40
    assert case.state == CaseState.ESCALATED
    assert not ModerationAction.objects.exists()
    assert clips.items[5]["removed"] is False
    # The crowd's weight is capped: forty reports count no more than a few trusted ones.
    assert case.priority <= services.priority_of(
        severity=case.severity, reach=case.reach, reporter_trust=services.TRUST_CAP, fast_track=False
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_make_one_case(clips):
    """Reports arriving at once from several connections still share one case."""
    import threading

    from django.db import connection

    from moderation import services

    clips.add(9, owner_id=UserFactory().pk, title="x")
    reporters = [SeasonedUserFactory() for _ in range(6)]
    errors = []

    def report(user):
        try:
            services.report_create(reporter=user, kind="clip", object_id=9, reason="spam")
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(u,)) for u in reporters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Case.objects.filter(subject_id=9).count() == 1
    assert Case.objects.get(subject_id=9).report_count == 6
