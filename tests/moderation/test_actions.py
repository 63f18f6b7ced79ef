"""Cases and actions: transitions, permissions, required reasons, the domain signal, strikes, appeals, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import AuditEvent, Case, CaseState, ModeratorGroup, Report, Strike
from moderation.states import CASE_MACHINE
from sora_social.common.errors import ApplicationError
from sora_social.common.states import IllegalTransition
from tests.accounts.factories import UserFactory, make_member
from tests.moderation.factories import SeasonedUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return StaffFactory(is_superuser=True)


@pytest.fixture
def reported(clips):
    owner = make_member()
    clips.add(21, owner_id=owner.pk, title="reported clip", reach=50)
    services.report_create(reporter=SeasonedUserFactory(), kind="clip", object_id=21, reason="violence")
    return Case.objects.get(subject_id=21), owner


def test_transition_table_is_declared_and_enforced(reported, admin_user):
    """Only declared transitions pass; a resolved case can only be appealed."""
    assert set(CASE_MACHINE.table) == set(CaseState.values)
    case, _ = reported
    services.case_transition(case_id=case.id, to=CaseState.RESOLVED, actor=admin_user, reason="no violation")
    with pytest.raises(IllegalTransition) as caught:
        services.case_transition(case_id=case.id, to=CaseState.ASSIGNED, actor=admin_user, reason="x")
    assert caught.value.code == "illegal_transition"
    assert caught.value.status == 409


def test_remove_sends_content_actioned_on_commit_and_resolves(
    reported, admin_user, clips, django_capture_on_commit_callbacks
):
    """Removing sends content_actioned to the owning app after commit; the case resolves, reports upheld."""
    case, _ = reported
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_act(case_id=case.id, action="remove", actor=admin_user, reason="gore")
    assert clips.items[21]["removed"] is False  # nothing before commit
    for callback in callbacks:
        callback()
    assert clips.items[21]["removed"] is True
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert Report.objects.get(case=case).outcome == "upheld"
    assert AuditEvent.objects.filter(event="action.remove", actor=admin_user, case=case).exists()


def test_every_action_needs_a_reason(reported, admin_user):
    """An action without a reason is refused and changes nothing."""
    case, _ = reported
    with pytest.raises(ApplicationError) as caught:
        services.case_act(case_id=case.id, action="remove", actor=admin_user, reason="  ")
    assert caught.value.code == "reason_required"
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_moderator_groups_limit_categories(reported):
    """A moderator outside the case's category cannot see or act on it; inside, can act."""
    case, _ = reported
    outsider, insider = StaffFactory(), StaffFactory()
    ModeratorGroup.objects.create(name="sexual", categories=["sexual"]).members.add(outsider)
    ModeratorGroup.objects.create(name="violence", categories=["violence"]).members.add(insider)
    with pytest.raises(ApplicationError) as caught:
        services.case_act(case_id=case.id, action="remove", actor=outsider, reason="x")
    assert caught.value.status == 404
    from moderation.selectors import case_queue

    assert list(case_queue(moderator=outsider)) == []
    assert list(case_queue(moderator=insider)) == [case]
    with pytest.raises(ApplicationError) as caught:
        services.case_act(case_id=case.id, action="ban", actor=insider, reason="x")
    assert caught.value.code == "account_actions_not_permitted"
    services.case_act(case_id=case.id, action="age_restrict", actor=insider, reason="graphic")


def test_dismiss_lowers_the_reporters_trust(reported, admin_user):
    """A dismissed report makes that reporter's next report weigh less."""
    case, _ = reported
    reporter = Report.objects.get(case=case).reporter
    before = services.reporter_trust(reporter)
    services.case_act(case_id=case.id, action="dismiss", actor=admin_user, reason="fine")
    assert services.reporter_trust(reporter) < before


def test_acting_without_a_report(clips, admin_user, django_capture_on_commit_callbacks):
    """A moderator opens a case on any subject and acts at once."""
    owner = UserFactory()
    clips.add(33, owner_id=owner.pk, title="found while browsing")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.subject_act(
            actor=admin_user,
            kind="clip",
            object_id=33,
            category="hate",
            action="label",
            reason="borderline symbol",
        )
    assert case.source == "moderator"
    assert case.state == CaseState.RESOLVED
    assert clips.items[33]["labels"] == ["borderline symbol"]


def test_strike_appeal_within_window_and_overturn_restores(
    reported, admin_user, client_for, clips, django_capture_on_commit_callbacks
):
    """A strike shows in /me/strikes; an appeal reopens the case; overturning restores the content."""
    case, owner = reported
    with django_capture_on_commit_callbacks(execute=True):
        services.case_act(case_id=case.id, action="remove", actor=admin_user, reason="gore")
    services.case_act(case_id=case.id, action="strike", actor=admin_user, reason="gore")
    api = client_for(owner)
    strikes = api.get("/api/v1/me/strikes").json()["results"]
    assert [s["state"] for s in strikes] == ["active"]
    response = api.post(
        f"/api/v1/strikes/{strikes[0]['id']}/appeal", {"text": "it is fake blood"}, format="json"
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.state == CaseState.APPEALED
    again = api.post(f"/api/v1/strikes/{strikes[0]['id']}/appeal", {"text": "again"}, format="json")
    assert again.json()["error"]["code"] == "already_appealed"
    with django_capture_on_commit_callbacks(execute=True):
        services.strike_appeal_decide(
            strike_id=int(strikes[0]["id"]), actor=admin_user, overturn=True, reason="props, not gore"
        )
    assert clips.items[21]["removed"] is False
    assert Strike.objects.get().state == "overturned"


def test_appeal_after_the_window_is_refused(reported, admin_user, client_for):
    """Appeals close after STRIKE_APPEAL_DAYS; someone else's strike is a 404."""
    case, owner = reported
    services.case_act(case_id=case.id, action="strike", actor=admin_user, reason="gore")
    strike = Strike.objects.get()
    other = client_for(UserFactory()).post(
        f"/api/v1/strikes/{strike.id}/appeal", {"text": "x"}, format="json"
    )
    assert other.status_code == 404
    Strike.objects.filter(pk=strike.pk).update(appeal_deadline=timezone.now() - timedelta(seconds=1))
    late = client_for(owner).post(f"/api/v1/strikes/{strike.id}/appeal", {"text": "x"}, format="json")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "appeal_window_closed"


@pytest.mark.parametrize("action", ["suspend", "ban", "freeze_subtree"])
def test_account_actions_go_through_the_accounts_services(reported, admin_user, action):
    """Suspend, ban and subtree freeze act on the owner through accounts, and are audited here too."""
    case, owner = reported
    invitee = make_member(owner)
    services.case_act(case_id=case.id, action=action, actor=admin_user, reason="repeat offender")
    owner.refresh_from_db()
    invitee.refresh_from_db()
    if action == "ban":
        assert owner.banned_at is not None
    elif action == "suspend":
        assert owner.suspended_at is not None
    else:
        # A frozen subtree can no longer invite anyone, the root included.
        assert owner.can_invite is False
        assert invitee.can_invite is False
    assert AuditEvent.objects.filter(event=f"action.{action}", case=case).exists()


def test_my_strikes_query_count(client_for, django_assert_num_queries, admin_user, clips):
    """GET /me/strikes costs the same queries for one strike and for many."""
    owner = UserFactory()
    api = client_for(owner)
    for i in range(5):
        clips.add(100 + i, owner_id=owner.pk, title=str(i))
        services.subject_act(
            actor=admin_user, kind="clip", object_id=100 + i, category="spam", action="strike", reason="spam"
        )
        if i == 0:
            with django_assert_num_queries(2) as one:
                api.get("/api/v1/me/strikes")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(api.get("/api/v1/me/strikes").json()["results"]) == 5
