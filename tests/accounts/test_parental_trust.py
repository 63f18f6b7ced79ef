"""Parental links that hold: the parent confirms by e-mail, the teen sees and can report the link,
moderators end it, and a parent can only tighten a teen's controls below the product's floor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from sora_social.accounts import selectors, services
from sora_social.accounts.models import AccountAction, ParentalLink, TeenSettings
from tests.accounts.factories import link_parent, make_member

pytestmark = pytest.mark.django_db


def _teen(age=15):
    today = dt.date.today()
    return make_member(birthdate=today.replace(year=today.year - age))


def _token(email) -> str:
    found = re.search(r"confirmation code: (\S+)", email.body)
    assert found, email.body
    return found.group(1)


def test_link_is_active_only_once_the_parent_confirms_by_email(
    client_for, django_capture_on_commit_callbacks
):
    """The teen's accept leaves the link `confirming` and mails the parent a single-use code; until the
    parent confirms with it the parent controls nothing; others' confirmations and reuse are 404."""
    parent, teen, stranger = make_member(), _teen(), make_member()
    start = client_for(parent).post("/api/v1/parental/links").json()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client_for(teen).post(f"/api/v1/parental/links/{start['code']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "confirming"
    assert [m.to for m in mail.outbox] == [[parent.email]]
    token = _token(mail.outbox[0])
    patch = client_for(parent).patch(
        f"/api/v1/parental/links/{start['id']}", {"dms_enabled": False}, format="json"
    )
    assert patch.status_code == 404
    assert selectors.teen_controls(user_id=teen.pk).dms_enabled is True

    url = "/api/v1/parental/links/confirm"
    assert client_for(stranger).post(url, {"token": token}, format="json").status_code == 404
    assert client_for(teen).post(url, {"token": token}, format="json").status_code == 404
    assert client_for(parent).post(url, {"token": "nope"}, format="json").status_code == 404
    confirmed = client_for(parent).post(url, {"token": token}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["state"] == "active"
    assert client_for(parent).post(url, {"token": token}, format="json").status_code == 404
    patch = client_for(parent).patch(
        f"/api/v1/parental/links/{start['id']}", {"dms_enabled": False}, format="json"
    )
    assert patch.status_code == 200
    assert selectors.teen_controls(user_id=teen.pk).dms_enabled is False


def test_a_teen_has_one_parent_at_a_time_even_while_confirming():
    """A second link cannot be accepted while one is confirming or active."""
    from sora_social.common.errors import Conflict

    teen = _teen()
    services.parental_link_accept(teen=teen, code=services.parental_link_start(parent=make_member()).code)
    with pytest.raises(Conflict):
        services.parental_link_accept(teen=teen, code=services.parental_link_start(parent=make_member()).code)


def test_teen_sees_who_their_parent_is(client_for):
    """GET /me/parental-link shows the teen the linked parent and the controls; without one, null."""
    teen = _teen()
    assert client_for(teen).get("/api/v1/me/parental-link").json() == {"link": None}
    parent = make_member()
    link = link_parent(teen, parent)
    body = client_for(teen).get("/api/v1/me/parental-link").json()["link"]
    assert body["id"] == str(link.pk)
    assert body["state"] == "active"
    assert body["parent"] == {
        "id": str(parent.pk),
        "username": parent.username,
        "display_name": parent.display_name,
    }
    assert body["controls"]["daily_feed_budget"] == 60


@pytest.mark.parametrize(
    ("field", "value"),
    [("cameo_audience_max", "everyone"), ("daily_feed_budget", 61), ("daily_feed_budget", 1440)],
)
def test_parent_cannot_loosen_past_the_teen_floor(client_for, settings, field, value):
    """Cameo audience wider than mutuals or a budget over the default is a 400 naming the field."""
    settings.TEEN_DAILY_FEED_BUDGET_MIN = 60
    teen, parent = _teen(), make_member()
    link = link_parent(teen, parent)
    res = client_for(parent).patch(f"/api/v1/parental/links/{link.pk}", {field: value}, format="json")
    assert res.status_code == 400, res.content
    assert field in res.json()["error"]["details"]
    assert selectors.teen_controls(user_id=teen.pk) == selectors.default_teen_controls()


def test_parent_may_tighten_within_the_floor(client_for):
    """A smaller budget and an audience up to mutuals are accepted."""
    teen, parent = _teen(), make_member()
    link = link_parent(teen, parent)
    res = client_for(parent).patch(
        f"/api/v1/parental/links/{link.pk}",
        {"daily_feed_budget": 20, "cameo_audience_max": "mutuals"},
        format="json",
    )
    assert res.status_code == 200, res.content
    controls = selectors.teen_controls(user_id=teen.pk)
    assert (controls.daily_feed_budget, controls.cameo_audience_max) == (20, "mutuals")


def test_teen_reports_the_link_and_a_moderator_ends_it(client_for):
    """The teen's report opens a case on the link; others get 404; the moderator's remove ends the
    link, puts the teen back on the defaults and is audited."""
    from moderation.models import Case
    from moderation.services import case_act

    teen, parent, stranger = _teen(), make_member(), make_member()
    link = link_parent(teen, parent)
    services.parental_controls_update(link=link, parent=parent, daily_feed_budget=5)
    body = {"target_kind": "parental_link", "target_id": str(link.pk), "reason": "harassment"}
    assert client_for(stranger).post("/api/v1/reports", body, format="json").status_code == 404
    res = client_for(teen).post("/api/v1/reports", body, format="json")
    assert res.status_code == 201, res.content
    case = Case.objects.get(pk=int(res.json()["case_id"]))
    moderator = make_member()
    moderator.is_staff = moderator.is_superuser = True
    moderator.save()
    case_act(case_id=case.pk, action="remove", actor=moderator, reason="not the parent")
    link.refresh_from_db()
    assert link.state == ParentalLink.State.REVOKED
    assert not TeenSettings.objects.filter(teen=teen).exists()
    assert selectors.teen_controls(user_id=teen.pk) == selectors.default_teen_controls()
    assert AccountAction.objects.filter(kind="parental_link_end", target=teen, actor=moderator).exists()
    assert client_for(teen).get("/api/v1/me/parental-link").json() == {"link": None}
    assert (
        client_for(parent)
        .patch(f"/api/v1/parental/links/{link.pk}", {"dms_enabled": False}, format="json")
        .status_code
        == 404
    )


def test_moderator_ends_a_link_from_the_admin(client):
    """The admin action "End selected parental links" revokes the link and is audited."""
    admin_user = make_member()
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    teen = _teen()
    link = link_parent(teen)
    res = client.post("/admin/accounts/parentallink/", {"action": "end_links", "_selected_action": [link.pk]})
    assert res.status_code == 302
    link.refresh_from_db()
    assert link.state == ParentalLink.State.REVOKED
    assert AccountAction.objects.filter(kind="parental_link_end", actor=admin_user, target=teen).exists()


def test_direct_messages_follow_the_contact_rule_and_the_parent_switch():
    """For messages, a teen whose parent turned DMs off is reachable by nobody; comments are unaffected."""
    teen, parent, friend = _teen(), make_member(), make_member()
    services.follow_create(actor=teen, target=friend)
    assert selectors.may_contact(sender=friend, recipient_id=teen.pk, direct_message=True)
    link = link_parent(teen, parent)
    services.parental_controls_update(link=link, parent=parent, dms_enabled=False)
    assert not selectors.may_contact(sender=friend, recipient_id=teen.pk, direct_message=True)
    assert selectors.may_contact(sender=friend, recipient_id=teen.pk)


def test_a_parent_without_an_email_cannot_start_a_link(client_for):
    """No address to confirm with: 400 `email_required`, and no link is stored."""
    parent = make_member()
    parent.email = ""
    parent.save()
    res = client_for(parent).post("/api/v1/parental/links")
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "email_required"
    assert not ParentalLink.objects.exists()
