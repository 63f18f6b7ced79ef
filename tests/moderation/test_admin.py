"""The moderators' admin: queue order and filters, the case page, required reasons, bulk actions, dashboard."""

from __future__ import annotations

import pytest

from moderation import services
from moderation.models import Case, CaseState, ModeratorGroup
from tests.accounts.factories import UserFactory
from tests.moderation.factories import SeasonedUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(clips):
    owner = UserFactory()
    for object_id, reach, reason in [(1, 1, "spam"), (2, 50_000, "violence"), (3, 10, "sexual")]:
        clips.add(
            object_id, owner_id=owner.pk, title=f"clip {object_id}", reach=reach, video_url="/media/x.webm"
        )
        services.report_create(
            reporter=SeasonedUserFactory(), kind="clip", object_id=object_id, reason=reason
        )
    return {c.subject_id: c for c in Case.objects.all()}


@pytest.fixture
def superuser_client(client):
    admin_user = StaffFactory(is_superuser=True)
    client.force_login(admin_user)
    return client


def test_queue_is_ordered_by_priority_and_filters(superuser_client, queue):
    """The changelist lists the highest priority first and filters by category."""
    body = superuser_client.get("/admin/moderation/case/").content.decode()
    assert body.index("clip 2") < body.index("clip 3") < body.index("clip 1")
    filtered = superuser_client.get("/admin/moderation/case/?category=sexual").content.decode()
    assert "clip 3" in filtered
    assert "clip 2" not in filtered


def test_queue_shows_only_the_moderators_categories(client, queue):
    """A moderator in the "sexual" group sees only those cases."""
    moderator = StaffFactory()
    ModeratorGroup.objects.create(name="s", categories=["sexual"]).members.add(moderator)
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(moderator)
    body = client.get("/admin/moderation/case/").content.decode()
    assert "clip 3" in body
    assert "clip 2" not in body


def test_case_page_shows_video_scores_lineage_and_credits(superuser_client, queue):
    """The case page plays the subject's video and lists lineage and cameo credits."""
    from moderation.models import StoredVerdict

    StoredVerdict.objects.create(
        kind="frames",
        subject_kind="clip",
        subject_id=2,
        scores={"violence": 0.71},
        decision="review",
        policy_version="v1",
    )
    body = superuser_client.get(f"/admin/moderation/case/{queue[2].id}/change/").content.decode()
    assert 'data-testid="subject-video" src="/media/x.webm"' in body
    assert "0.710" in body
    assert "original clip" in body
    assert "cameo: @alice" in body


def test_one_click_action_needs_a_reason(superuser_client, queue, clips, django_capture_on_commit_callbacks):
    """Posting an action without a reason changes nothing; with one, the clip is removed."""
    case = queue[2]
    superuser_client.post(f"/admin/moderation/case/{case.id}/act/", {"action": "remove", "reason": ""})
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            f"/admin/moderation/case/{case.id}/act/", {"action": "remove", "reason": "gore"}
        )
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert clips.items[2]["removed"] is True


def test_bulk_dismiss_with_reason(superuser_client, queue):
    """A bulk action applies to every selected case, and only with a reason."""
    ids = [str(queue[1].id), str(queue[3].id)]
    superuser_client.post(
        "/admin/moderation/case/", {"action": "bulk_dismiss", "_selected_action": ids, "reason": ""}
    )
    assert Case.objects.filter(state=CaseState.RESOLVED).count() == 0
    superuser_client.post(
        "/admin/moderation/case/",
        {"action": "bulk_dismiss", "_selected_action": ids, "reason": "not violating"},
    )
    assert set(Case.objects.filter(state=CaseState.RESOLVED).values_list("subject_id", flat=True)) == {1, 3}


def test_dashboard_charts_cases_per_day_by_category(superuser_client, queue):
    """The dashboard draws opened and resolved cases per day, by category."""
    from moderation.selectors import cases_per_day

    data = cases_per_day(days=7)
    assert sum(data["opened"]["violence"]) == 1
    body = superuser_client.get("/admin/moderation/case/dashboard/").content.decode()
    assert body.count('data-testid="chart"') == 2
    assert "violence (1)" in body


def test_policy_admin_publishes_a_new_version(superuser_client, django_capture_on_commit_callbacks):
    """Adding a policy in the admin publishes a new active version and starts a rescan."""
    import json

    from moderation.models import Policy, RescanJob
    from moderation.policies import DEFAULT_TEEN_THRESHOLDS, DEFAULT_THRESHOLDS

    response = superuser_client.post(
        "/admin/moderation/policy/add/",
        {
            "thresholds": json.dumps(DEFAULT_THRESHOLDS),
            "teen_thresholds": json.dumps(DEFAULT_TEEN_THRESHOLDS),
            "rescan_block_action": "review",
            "note": "same again",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Policy.objects.get(active=True).version == 2
    assert RescanJob.objects.count() == 1
