"""Parental links: a parent starts, the teen accepts with the one-time code, the parent
sets controls other apps read through `teen_controls`."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from sora_social.accounts import selectors, services
from sora_social.accounts.models import User
from tests.accounts.factories import link_parent, make_member

pytestmark = pytest.mark.django_db


def _teen(age=15, **kw):
    today = dt.date.today()
    return make_member(birthdate=today.replace(year=today.year - age), **kw)


def test_link_flow_and_controls(client_for, django_capture_on_commit_callbacks):
    """Parent creates, teen accepts (code spent), parent tightens controls, selector returns them."""
    parent, teen = make_member(), _teen()
    start = client_for(parent).post("/api/v1/parental/links")
    assert start.status_code == 201
    link = start.json()
    code = link["code"]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client_for(teen).post(f"/api/v1/parental/links/{code.lower()}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "confirming"
    assert "code" not in accepted.json()
    token = re.search(r"confirmation code: (\S+)", mail.outbox[-1].body).group(1)
    confirmed = client_for(parent).post("/api/v1/parental/links/confirm", {"token": token}, format="json")
    assert confirmed.json()["state"] == "active"
    again = client_for(teen).post(f"/api/v1/parental/links/{code}/accept")
    assert again.status_code == 404
    patch = client_for(parent).patch(
        f"/api/v1/parental/links/{link['id']}",
        {
            "daily_feed_budget": 30,
            "personalization_enabled": False,
            "dms_enabled": False,
            "cameo_audience_max": "mutuals",
        },
        format="json",
    )
    assert patch.status_code == 200, patch.content
    controls = selectors.teen_controls(user_id=teen.pk)
    assert controls == selectors.TeenControls(
        daily_feed_budget=30, personalization_enabled=False, dms_enabled=False, cameo_audience_max="mutuals"
    )


def test_only_the_linked_parent_may_change_controls(client_for):
    """Another member patching the link gets 404; bad values are 400."""
    parent, teen, stranger = make_member(), _teen(), make_member()
    link = link_parent(teen, parent)
    assert (
        client_for(stranger)
        .patch(f"/api/v1/parental/links/{link.pk}", {"dms_enabled": False}, format="json")
        .status_code
        == 404
    )
    bad = client_for(parent).patch(
        f"/api/v1/parental/links/{link.pk}", {"cameo_audience_max": "world"}, format="json"
    )
    assert bad.status_code == 400
    assert selectors.teen_controls(user_id=teen.pk).dms_enabled is True


def test_adults_cannot_accept_and_teens_cannot_be_parents(client_for):
    """An adult accepting is refused (not_a_teen); a teen starting a link is refused."""
    parent, adult, teen = make_member(), make_member(), _teen()
    link = services.parental_link_start(parent=parent)
    r = client_for(adult).post(f"/api/v1/parental/links/{link.code}/accept")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_a_teen"
    r = client_for(teen).post("/api/v1/parental/links")
    assert r.json()["error"]["code"] == "parent_must_be_adult"


def test_expired_code_is_404_and_second_parent_conflicts():
    """Expired codes do not link; a teen has at most one active parent link."""
    from sora_social.common.errors import Conflict, NotFound

    p1, p2, teen = make_member(), make_member(), _teen()
    old = services.parental_link_start(parent=p1)
    old.expires_at = old.created_at - dt.timedelta(seconds=1)
    old.save(update_fields=["expires_at"])
    with pytest.raises(NotFound):
        services.parental_link_accept(teen=teen, code=old.code)
    services.parental_link_accept(teen=teen, code=services.parental_link_start(parent=p1).code)
    with pytest.raises(Conflict):
        services.parental_link_accept(teen=teen, code=services.parental_link_start(parent=p2).code)


def test_teens_age_out_on_their_birthday():
    """The daily job clears is_teen at 18; teen_controls then answers None."""
    teen = _teen(age=17)
    birthday18 = teen.birthdate.replace(year=teen.birthdate.year + 18)
    assert services.teens_age_out(today=birthday18 - dt.timedelta(days=1)) == 0
    assert services.teens_age_out(today=birthday18) == 1
    assert not User.objects.get(pk=teen.pk).is_teen
    assert selectors.teen_controls(user_id=teen.pk) is None
