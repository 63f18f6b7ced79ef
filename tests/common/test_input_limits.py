"""Every string, list and number a client sends is bounded: 400 validation_error naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from sora_social.accounts.models import User, WaitlistEntry
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db

LONG = "1" * 5000

# (method, path, body, field): each body is valid but for one field over its limit.
AUTHENTICATED = [
    (
        "post",
        "/api/v1/generations",
        {"mode": "text", "prompt": "a boat", "image_upload_id": LONG},
        "image_upload_id",
    ),
    ("post", "/api/v1/generations", {"mode": "remix", "remix_of": LONG}, "remix_of"),
    ("post", "/api/v1/generations", {"mode": "text", "prompt": "a", "cameos": [LONG]}, "cameos"),
    ("post", "/api/v1/generations", {"mode": "text", "prompt": "a", "cameos": ["1"] * 9}, "cameos"),
    ("post", "/api/v1/generations", {"mode": "text", "prompt": "a", "duration_s": 10**12}, "duration_s"),
    ("post", "/api/v1/generations", {"mode": "text", "prompt": "a", "seed": -1}, "seed"),
    ("post", "/api/v1/generations", {"mode": "text", "prompt": "x" * 2001}, "prompt"),
    ("post", "/api/v1/posts", {"generation_id": LONG}, "generation_id"),
    ("post", "/api/v1/posts", {"generation_id": "1", "audience": ["1"] * 201}, "audience"),
    ("post", "/api/v1/posts", {"generation_id": "1", "audience": [LONG]}, "audience"),
    ("post", "/api/v1/posts", {"generation_id": "1", "caption": "x" * 501}, "caption"),
    ("post", "/api/v1/feed/feedback", {"post_id": LONG, "signal": "more"}, "post_id"),
    ("put", "/api/v1/feed/preferences", {"text": "x" * 501}, "text"),
    ("post", "/api/v1/me/cameo-notifications/read", {"up_to_id": LONG}, "up_to_id"),
    ("post", "/api/v1/cameos/{cameo}/grants", {"user_id": LONG}, "user_id"),
    ("patch", "/api/v1/cameos/{cameo}", {"rules": "x" * 2001}, "rules"),
    ("post", "/api/v1/cameos/{cameo}/requests", {"message": "x" * 281}, "message"),
    ("post", "/api/v1/reports", {"target_kind": "post", "target_id": LONG, "reason": "spam"}, "target_id"),
    ("post", "/api/v1/strikes/1/appeal", {"text": "x" * 4001}, "text"),
    ("patch", "/api/v1/me", {"bio": "x" * 301}, "bio"),
    ("post", "/api/v1/diagnostics/echo", {"message": "x" * 201}, "message"),
]
ANONYMOUS = [
    ("post", "/api/v1/waitlist", {"email": "a" * 250 + "@example.com", "region": "US"}, "email"),
    (
        "post",
        "/api/v1/auth/signup",
        {
            "invite_code": "x",
            "username": "u",
            "email": "a" * 250 + "@example.com",
            "password": "p",
            "birthdate": "2000-01-01",
            "region": "US",
        },
        "email",
    ),
    ("post", "/api/v1/auth/token", {"username": "u" * 151, "password": "p"}, "username"),
    ("post", "/api/v1/auth/token", {"username": "u", "password": "p" * 129}, "password"),
    ("post", "/api/v1/auth/token/refresh", {"refresh": "r" * 5000}, "refresh"),
]


def _check(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "validation_error", error
    assert field in error["details"], error


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), AUTHENTICATED, ids=[f"{r[1]}:{r[3]}" for r in AUTHENTICATED]
)
def test_authenticated_inputs_are_bounded(
    method: str, path: str, body: dict, field: str, client_for: Any
) -> None:
    """Over-long strings, over-long lists and out-of-range numbers: 400 naming the field."""
    owner = UserFactory()
    cameo = CameoFactory(owner=owner)
    response = getattr(client_for(owner), method)(path.format(cameo=cameo.pk), body, format="json")
    _check(response, field)


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), ANONYMOUS, ids=[f"{r[1]}:{r[3]}" for r in ANONYMOUS]
)
def test_anonymous_inputs_are_bounded(
    method: str, path: str, body: dict, field: str, api_client: Any
) -> None:
    """Sign-up, waitlist and token inputs are bounded too, and nothing is created."""
    users, entries = User.objects.count(), WaitlistEntry.objects.count()
    _check(getattr(api_client, method)(path, body, format="json"), field)
    assert (User.objects.count(), WaitlistEntry.objects.count()) == (users, entries)


def test_invitee_depth_is_bounded(client_for: Any) -> None:
    """depth is 1 to 50: other values are 400 naming `depth`."""
    client = client_for(UserFactory())
    for depth in ("0", "51", "x"):
        _check(client.get("/api/v1/me/invitees", {"depth": depth}), "depth")
