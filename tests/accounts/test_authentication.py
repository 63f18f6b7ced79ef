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


def _client(token: AccessToken) -> APIClient:
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
