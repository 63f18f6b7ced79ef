"""Signup with an invite code: age gate, regions and waitlist, codes, atomic redemption
under real concurrency, and the failed-redemption throttle."""

from __future__ import annotations

import logging
import math
import threading

import pytest
from rest_framework.test import APIClient

from sora_social.accounts import services
from sora_social.accounts.models import InviteAttempt, InviteCode, User, WaitlistEntry
from sora_social.accounts.services.invites import CODE_ALPHABET, CODE_LENGTH
from tests.accounts.factories import PASSWORD, born_years_ago, make_member
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def _body(code, username="newbie", birthdate="1995-03-04", region="US", **extra):
    return {
        "invite_code": code,
        "username": username,
        "email": f"{username}@example.test",
        "password": PASSWORD,
        "birthdate": birthdate,
        "region": region,
        **extra,
    }


def _root_code():
    return services.invite_root_codes_create(count=1, actor=None)[0]


def test_signup_creates_member_with_tokens_and_exactly_n_codes(api_client, settings):
    """201 with user and tokens; the new member holds exactly INVITES_PER_USER codes; the code is spent."""
    settings.INVITES_PER_USER = 4
    code = _root_code()
    response = api_client.post("/api/v1/auth/signup", _body(code.display.lower()), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert body["user"]["username"] == "newbie"
    user = User.objects.get(username="newbie")
    assert user.check_password(PASSWORD)
    assert InviteCode.objects.filter(owner=user).count() == 4
    code.refresh_from_db()
    assert code.state == InviteCode.State.REDEEMED
    assert code.redeemed_by == user
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/v1/me").json()["id"] == str(user.pk)


def test_codes_are_unguessable_and_unambiguous():
    """Codes use no look-alike characters and carry at least 50 bits."""
    codes = services.invite_root_codes_create(count=200, actor=None)
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 50
    assert not set(CODE_ALPHABET) & set("0O1IL")
    for code in codes:
        assert len(code.code) == CODE_LENGTH
        assert set(code.code) <= set(CODE_ALPHABET)
    assert len({c.code for c in codes}) == 200


def test_invite_codes_issue_tops_up_to_exactly_n(settings):
    """Issuing again never gives a member more than INVITES_PER_USER codes."""
    member = make_member()
    assert services.invite_codes_issue(user=member) == []
    settings.INVITES_PER_USER = 6
    assert len(services.invite_codes_issue(user=member)) == 2
    assert InviteCode.objects.filter(owner=member).count() == 6


def test_under_13_refused_and_nothing_stored(api_client):
    """A 12-year-old is refused with under_minimum_age; no account, the code untouched."""
    code = _root_code()
    twelve = born_years_ago(12).isoformat()
    response = api_client.post("/api/v1/auth/signup", _body(code.code, birthdate=twelve), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "under_minimum_age"
    assert not User.objects.filter(username="newbie").exists()
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE


def test_13_to_17_flagged_teen_with_default_controls(api_client):
    """A 15-year-old joins as a teen with the teen defaults."""
    from sora_social.accounts.selectors import teen_controls

    code = _root_code()
    fifteen = born_years_ago(15).isoformat()
    response = api_client.post("/api/v1/auth/signup", _body(code.code, birthdate=fifteen), format="json")
    assert response.status_code == 201
    assert response.json()["user"]["is_teen"] is True
    controls = teen_controls(user_id=User.objects.get(username="newbie").pk)
    assert controls is not None
    assert (controls.daily_feed_budget, controls.cameo_audience_max) == (60, "only_me")


def test_region_outside_allow_list_goes_to_waitlist(api_client, settings):
    """A region not open answers 202 and joins the waitlist; the code stays available."""
    settings.SIGNUP_REGIONS = ["US", "CA"]
    code = _root_code()
    response = api_client.post("/api/v1/auth/signup", _body(code.code, region="fr"), format="json")
    assert response.status_code == 202
    assert response.json()["waitlisted"] is True
    assert WaitlistEntry.objects.get(email="newbie@example.test").region == "FR"
    assert not User.objects.filter(username="newbie").exists()
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE


@pytest.mark.parametrize(
    ("field", "value"),
    [("birthdate", "not-a-date"), ("region", "USA"), ("email", "nope"), ("password", "123")],
)
def test_bad_fields_are_400_and_change_nothing(api_client, field, value):
    """Malformed fields answer 400 in the error shape and spend nothing."""
    code = _root_code()
    response = api_client.post("/api/v1/auth/signup", _body(code.code, **{field: value}), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE
    assert not User.objects.filter(username="newbie").exists()


def test_used_unknown_and_disabled_codes(api_client):
    """Reusing a code is invite_already_used; unknown is invalid_invite_code; a frozen inviter's is invite_disabled."""
    inviter = make_member()
    code = InviteCode.objects.filter(owner=inviter).first()
    assert api_client.post("/api/v1/auth/signup", _body(code.code, "first"), format="json").status_code == 201
    again = api_client.post("/api/v1/auth/signup", _body(code.code, "second"), format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invite_already_used"
    unknown = api_client.post("/api/v1/auth/signup", _body("ZZZZ-ZZZZ-ZZZZ", "third"), format="json")
    assert unknown.json()["error"]["code"] == "invalid_invite_code"
    services.invites_disable(user=inviter, actor=None, reason="test")
    other = InviteCode.objects.filter(owner=inviter).exclude(pk=code.pk).first()
    disabled = api_client.post("/api/v1/auth/signup", _body(other.code, "fourth"), format="json")
    assert disabled.json()["error"]["code"] == "invite_disabled"
    assert not User.objects.filter(username__in=["second", "third", "fourth"]).exists()


def test_suspended_inviters_codes_do_not_work(api_client):
    """A suspended member's codes cannot be redeemed."""
    inviter = make_member()
    services.user_suspend(user=inviter, actor=None, reason="spam")
    code = InviteCode.objects.filter(owner=inviter).first()
    response = api_client.post("/api/v1/auth/signup", _body(code.code), format="json")
    assert response.json()["error"]["code"] == "invite_disabled"


def test_username_taken_is_409_and_code_unspent(api_client):
    """A taken username fails the signup without spending the code."""
    make_member(username="taken")
    code = _root_code()
    response = api_client.post("/api/v1/auth/signup", _body(code.code, "Taken"), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "username_taken"
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("owned", [True, False], ids=["member_code", "root_code"])
def test_fifty_concurrent_signups_with_one_code_give_one_account(owned):
    """50 threads, each with its own connection, redeem one code at once: one 201, 49 invite_already_used."""
    code = InviteCode.objects.filter(owner=make_member()).first() if owned else _root_code()
    n = 50
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def attempt(i):
        response = APIClient().post(
            "/api/v1/auth/signup",
            _body(code.code, f"racer{i}"),
            format="json",
            REMOTE_ADDR=f"198.51.100.{i}",
        )
        err = response.json().get("error", {}).get("code") if response.status_code != 201 else None
        with lock:
            results.append((response.status_code, err))

    run_at_once(attempt, n)
    assert len(results) == n
    assert sorted(results, key=lambda r: r[0]) == [(201, None)] + [(409, "invite_already_used")] * (n - 1)
    assert User.objects.filter(username__startswith="racer").count() == 1
    code.refresh_from_db()
    assert code.redeemed_by.username.startswith("racer")
    assert InviteAttempt.objects.filter(code=code, outcome="already_used").count() == n - 1


def test_failed_redemptions_throttled_per_ip_and_logged(api_client, settings, caplog):
    """After INVITE_FAILED_LIMIT failures from one IP, even a good code gets 429; others are unaffected."""
    settings.INVITE_FAILED_LIMIT = 3
    good = _root_code()
    caplog.set_level(logging.WARNING, logger="sora_social.accounts.invites")
    for i in range(3):
        r = api_client.post(
            "/api/v1/auth/signup", _body(f"BAD{i}", f"x{i}"), format="json", REMOTE_ADDR="192.0.2.1"
        )
        assert r.status_code == 400
    blocked = api_client.post("/api/v1/auth/signup", _body(good.code), format="json", REMOTE_ADDR="192.0.2.1")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "invite_attempts_throttled"
    assert int(blocked["Retry-After"]) >= 1
    assert "invite redemption failed" in caplog.text
    assert "invite redemption throttled" in caplog.text
    assert InviteAttempt.objects.filter(ip="192.0.2.1", outcome="unknown").count() == 3
    assert InviteAttempt.objects.filter(ip="192.0.2.1", outcome="throttled").count() == 1
    other = api_client.post("/api/v1/auth/signup", _body(good.code), format="json", REMOTE_ADDR="192.0.2.2")
    assert other.status_code == 201


def test_failed_redemptions_throttled_per_device_across_ips(api_client, settings):
    """The same device id failing from many IPs is throttled by the device header."""
    settings.INVITE_FAILED_LIMIT = 3
    good = _root_code()

    def signup(code, ip, device):
        return api_client.post(
            "/api/v1/auth/signup", _body(code), format="json", REMOTE_ADDR=ip, HTTP_X_DEVICE_ID=device
        )

    for i in range(3):
        signup(f"BAD{i}", f"192.0.2.{10 + i}", "device-1")
    blocked = signup(good.code, "192.0.2.99", "device-1")
    assert blocked.status_code == 429
    ok = signup(good.code, "192.0.2.99", "device-2")
    assert ok.status_code == 201
