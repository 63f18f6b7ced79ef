"""JWT sign-in of a seeded member, refresh, and the profile endpoint."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sora_social.accounts.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_seeded_member_signs_in_with_jwt(api_client):
    """A demo member from seed_demo gets access and refresh tokens, and the access token works."""
    call_command("seed_demo", users=3, verbosity=0, quiet_logins=True)
    response = api_client.post(
        "/api/v1/auth/token", {"username": "alice", "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = api_client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert isinstance(me.json()["id"], str)

    refreshed = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200
    assert "access" in refreshed.json()


def test_wrong_password_is_401_in_error_shape(api_client, user):
    """Bad credentials are refused without saying which part was wrong."""
    response = api_client.post(
        "/api/v1/auth/token", {"username": user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"no_active_account", "authentication_failed"}


def test_profile_update(auth_client, user):
    """PATCH /me changes the display name and bio and returns the new profile."""
    response = auth_client.patch("/api/v1/me", {"display_name": "  New Name ", "bio": "hi"}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == "New Name"
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("New Name", "hi")


def test_sign_in_is_throttled_per_ip(api_client, user, monkeypatch):
    """Repeated sign-in attempts from one IP get a 429 with Retry-After."""
    from django.core.cache import cache

    from sora_social.common.throttles import AuthIPThrottle

    monkeypatch.setattr(AuthIPThrottle, "rate", "3/min", raising=False)
    cache.clear()
    try:
        responses = [
            api_client.post("/api/v1/auth/token", {"username": user.username, "password": "x"}, format="json")
            for _ in range(4)
        ]
        assert [r.status_code for r in responses[:3]] == [401, 401, 401]
        assert responses[3].status_code == 429
        assert int(responses[3]["Retry-After"]) >= 1
        assert responses[3].json()["error"]["code"] == "rate_limited"
    finally:
        cache.clear()
