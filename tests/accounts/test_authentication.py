"""Bearer authentication: the member loaded by one prepared statement is the ORM's member, and
tokens of unknown, inactive or unidentifiable members are refused in the error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_load
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_load_is_the_orm_member_field_by_field():
    inviter = UserFactory()
    user = UserFactory(
        inviter=inviter,
        is_teen=True,
        birthdate=dt.date(2011, 3, 4),
        region="DE",
        bio="hi",
        suspended_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    loaded, orm = user_load(user_id=user.id), User.objects.get(pk=user.id)
    assert isinstance(loaded, User)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(orm, field.attname), field.name
    assert loaded._state.adding is False
    assert loaded._state.db == "default"
    assert user_load(user_id=user.id + 1) is None


def _client(token: AccessToken | str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_request_loads_its_member_in_one_query():
    user = UserFactory()
    with CaptureQueriesContext(connection) as ctx:
        body = _client(AccessToken.for_user(user)).get("/api/v1/me").json()
    assert body["username"] == user.username
    assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("inactive", "user_inactive"),
        ("deleted", "user_not_found"),
        ("no_claim", "token_not_valid"),
        ("bad_claim", "token_not_valid"),
    ],
)
def test_tokens_of_members_who_cannot_sign_in_are_401(change, code):
    user = UserFactory()
    token = AccessToken.for_user(user)
    if change == "inactive":
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif change == "deleted":
        User.objects.filter(pk=user.pk).delete()
    elif change == "no_claim":
        del token["user_id"]
    else:
        token["user_id"] = "not-a-number"
    response = _client(token).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code


@pytest.fixture
def verified(monkeypatch):
    """The verified-token map, empty, and a count of full token decodes."""
    from rest_framework_simplejwt.backends import TokenBackend

    from sora_social.accounts import authentication

    authentication._verified.clear()
    decodes = []
    real = TokenBackend.decode

    def counting(self, token, verify=True):
        decodes.append(token)
        return real(self, token, verify=verify)

    monkeypatch.setattr(TokenBackend, "decode", counting)
    yield authentication, decodes
    authentication._verified.clear()


def test_a_token_is_decoded_once_and_its_member_still_checked_every_request(verified):
    _, decodes = verified
    user = UserFactory()
    client = _client(AccessToken.for_user(user))
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert len(decodes) == 1
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_inactive"
    assert len(decodes) == 1


def test_a_remembered_token_is_refused_once_it_expires(verified, monkeypatch):
    from rest_framework_simplejwt import tokens

    authentication, _ = verified
    client = _client(AccessToken.for_user(UserFactory()))
    assert client.get("/api/v1/me").status_code == 200
    later = tokens.aware_utcnow() + AccessToken.lifetime + dt.timedelta(minutes=1)
    monkeypatch.setattr(authentication, "aware_utcnow", lambda: later)
    monkeypatch.setattr(tokens, "aware_utcnow", lambda: later)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    assert authentication._verified == {}


def test_a_tampered_token_is_never_taken_for_a_remembered_one(verified):
    _ = verified
    token = str(AccessToken.for_user(UserFactory()))
    assert _client(token).get("/api/v1/me").status_code == 200
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert _client(forged).get("/api/v1/me").status_code == 401


def test_the_map_is_bounded_and_forgotten_when_signing_settings_change(verified, monkeypatch, settings):
    authentication, _ = verified
    monkeypatch.setattr(authentication, "VERIFIED_TOKENS_MAX", 3)
    users = UserFactory.create_batch(5)
    for user in users:
        assert _client(AccessToken.for_user(user)).get("/api/v1/me").status_code == 200
        assert len(authentication._verified) <= 3
    assert authentication._verified
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": 5}
    assert authentication._verified == {}
