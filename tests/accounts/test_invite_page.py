"""The invite page `/i/<code>`: who invited you, signup by plain form POST with the API's rules, the
waitlist outside open regions, clear pages for bad codes, CSRF and the signup throttle."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from sora_social.accounts import services
from sora_social.accounts.models import InviteAttempt, InviteCode, User, WaitlistEntry
from sora_social.common.throttles import AuthIPThrottle
from tests.accounts.factories import make_member

pytestmark = pytest.mark.django_db

ADULT = {"username": "newbie", "email": "newbie@example.test", "password": "a-long-pass-phrase-42"}


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _code_of(member) -> InviteCode:
    return InviteCode.objects.filter(owner=member, state=InviteCode.State.AVAILABLE).first()


def _signup(client, code: str, **fields):
    data = {"form": "signup", **ADULT, "birthdate": "1990-01-02", "region": "US", **fields}
    return client.post(f"/i/{code}", data)


def test_page_names_the_inviter_and_shows_the_signup_form(client):
    """A usable code's page says who invited you and holds the form with birthdate and region; no script."""
    inviter = make_member(username="alice")
    User.objects.filter(pk=inviter.pk).update(display_name="Alice <Admin>")
    response = client.get(f"/i/{_code_of(inviter).display}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice &lt;Admin&gt; (@alice) sent you an invite." in html
    assert 'data-testid="signup-form"' in html
    assert 'name="birthdate" type="date"' in html
    assert 'name="region"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" not in html
    assert "no-store" in response["Cache-Control"]


def test_signup_through_the_form_creates_the_member_and_spends_the_code(client):
    """A valid form POST creates the member under the inviter and marks the code redeemed."""
    inviter = make_member()
    code = _code_of(inviter)
    response = _signup(client, code.code)
    assert response.status_code == 201
    assert "Welcome to Sora Social, @newbie" in response.content.decode()
    user = User.objects.get(username="newbie")
    code.refresh_from_db()
    assert code.state == InviteCode.State.REDEEMED
    assert code.redeemed_by_id == user.pk
    assert user.inviter_id == inviter.pk
    assert not user.is_teen
    assert user.check_password(ADULT["password"])
    again = client.get(f"/i/{code.code}")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert "newbie" not in again.content.decode()


def test_teen_joins_as_teen_and_under_thirteen_is_refused(client):
    """The age gate: 15 joins as a teen; 12 is refused with the API's message and nothing is stored."""
    inviter = make_member()
    refused = _signup(client, _code_of(inviter).code, birthdate="2020-01-01")
    assert refused.status_code == 400
    assert "You must be at least 13 to join." in refused.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    assert InviteCode.objects.filter(owner=inviter, state="available").count() == 4
    import datetime as dt

    fifteen = dt.date.today().replace(year=dt.date.today().year - 15, day=1).isoformat()
    joined = _signup(client, _code_of(inviter).code, birthdate=fifteen)
    assert joined.status_code == 201
    assert User.objects.get(username="newbie").is_teen


def test_invalid_fields_redisplay_the_form_with_errors_and_change_nothing(client):
    """Bad e-mail and region: 400, the messages shown next to the fields, values kept (never the password)."""
    inviter = make_member()
    response = _signup(client, _code_of(inviter).code, email="not-an-email", region="U1")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="email-error"' in html
    assert "A two-letter country code." in html
    assert 'value="newbie"' in html
    assert ADULT["password"] not in html
    assert not User.objects.filter(username="newbie").exists()


def test_taken_username_shows_the_api_error(client):
    """The service's refusal (409 username_taken) is the page's status and message; the code stays usable."""
    inviter = make_member(username="taken")
    code = _code_of(inviter)
    response = _signup(client, code.code, username="taken")
    assert response.status_code == 409
    assert "This username is taken." in response.content.decode()
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE


def test_region_not_open_joins_the_waitlist_and_keeps_the_code(client):
    """Signing up from a closed region waitlists the applicant (202) and leaves the code unused."""
    inviter = make_member()
    code = _code_of(inviter)
    response = _signup(client, code.code, region="fr")
    assert response.status_code == 202
    assert "not open in FR yet" in response.content.decode()
    assert WaitlistEntry.objects.filter(email=ADULT["email"], region="FR").exists()
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE


def test_cdn_region_outside_open_regions_shows_the_waitlist_form(client, settings):
    """With WEB_REGION_HEADER naming a closed region, the page offers the waitlist, which works without JS."""
    settings.WEB_REGION_HEADER = "CloudFront-Viewer-Country"
    code = _code_of(make_member())
    page = client.get(f"/i/{code.code}", headers={"CloudFront-Viewer-Country": "DE"})
    html = page.content.decode()
    assert 'data-testid="waitlist-form"' in html
    assert 'data-testid="signup-form"' not in html
    assert 'value="DE"' in html
    open_region = client.get(f"/i/{code.code}", headers={"CloudFront-Viewer-Country": "CA"})
    assert 'data-testid="signup-form"' in open_region.content.decode()
    joined = client.post(f"/i/{code.code}", {"form": "waitlist", "email": "w@example.test", "region": "DE"})
    assert joined.status_code == 201
    assert WaitlistEntry.objects.get(email="w@example.test").region == "DE"
    bad = client.post(f"/i/{code.code}", {"form": "waitlist", "email": "nope", "region": "DE"})
    assert bad.status_code == 400
    assert 'data-testid="waitlist-form"' in bad.content.decode()


def test_unknown_code_is_404_and_counts_as_a_failed_attempt(client, settings):
    """Unknown codes get a clear 404 page; past INVITE_FAILED_LIMIT the page answers 429."""
    settings.INVITE_FAILED_LIMIT = 3
    for _ in range(3):
        response = client.get("/i/NOPE-NOPE-NOPE")
        assert response.status_code == 404
        assert "This invite link does not work" in response.content.decode()
    blocked = client.get("/i/NOPE-NOPE-NOPE")
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == str(settings.INVITE_FAILED_WINDOW_S)


def test_disabled_code_is_410_without_naming_its_owner(client):
    """A code whose owner may no longer invite is 410 and does not say whose it was."""
    inviter = make_member(username="carol")
    code = _code_of(inviter)
    services.invites_disable(user=inviter, actor=None, reason="abuse")
    response = client.get(f"/i/{code.code}")
    assert response.status_code == 410
    assert "carol" not in response.content.decode()
    post = _signup(client, code.code)
    assert post.status_code == 410
    assert not User.objects.filter(username="newbie").exists()


def test_root_code_page_names_nobody(client):
    """A staff-issued root code has no inviter to show; signup still works."""
    code = services.invite_root_codes_create(count=1, actor=None, note="test")[0]
    response = client.get(f"/i/{code.code}")
    assert response.status_code == 200
    assert 'data-testid="inviter"' not in response.content.decode()
    assert _signup(client, code.code).status_code == 201


def test_post_without_csrf_token_is_refused():
    """The form is CSRF-protected: a POST without the token is 403 and creates nobody."""
    code = _code_of(make_member())
    csrf_client = Client(enforce_csrf_checks=True)
    response = _signup(csrf_client, code.code)
    assert response.status_code == 403
    assert not User.objects.filter(username="newbie").exists()
    page = csrf_client.get(f"/i/{code.code}")
    token = page.cookies["csrftoken"].value
    ok = _signup(csrf_client, code.code, csrfmiddlewaretoken=token)
    assert ok.status_code == 201


def test_posts_share_the_api_signup_throttle(client, api_client, monkeypatch):
    """The page's POSTs count against the same per-IP `auth` throttle as POST /api/v1/auth/signup."""
    monkeypatch.setattr(AuthIPThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    code = _code_of(make_member())
    for _ in range(2):
        api_client.post("/api/v1/auth/signup", {}, format="json")
    response = _signup(client, code.code)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert not User.objects.filter(username="newbie").exists()
    assert not InviteAttempt.objects.filter(code=code).exists()
