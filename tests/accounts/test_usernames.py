"""Usernames are NFKC-normalised, and a name that looks like an existing one (Unicode TR39
confusables, case, full-width forms) is refused, at signup, on any change, and by the database."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sora_social.accounts import services
from sora_social.accounts.models import InviteCode, User
from sora_social.accounts.usernames import username_skeleton
from tests.accounts.factories import PASSWORD, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _signup(api_client, username):
    code = services.invite_root_codes_create(count=1, actor=None)[0]
    response = api_client.post(
        "/api/v1/auth/signup",
        {
            "invite_code": code.code,
            "username": username,
            "email": "new@example.test",
            "password": PASSWORD,
            "birthdate": "1990-01-01",
            "region": "US",
        },
        format="json",
    )
    return response, code


@pytest.mark.parametrize(
    ("lookalike", "why"),
    [
        ("\u0430lice", "Cyrillic a"),
        ("ALICE", "case"),
        ("\uff41\uff4c\uff49\uff43\uff45", "full-width letters"),
        ("a\u217cice", "Roman numeral fifty for l"),
        ("a1ice", "digit one for l"),
        ("\u0391LICE", "Greek capital alpha"),
    ],
)
def test_signup_with_a_lookalike_of_an_existing_name_is_refused(api_client, lookalike, why):
    """A name that renders like an existing member's is refused with a clear code; the invite is unspent."""
    make_member(username="alice")
    response, code = _signup(api_client, lookalike)
    assert response.status_code == 409, (why, response.content)
    assert response.json()["error"]["code"] in {"username_taken", "username_confusable"}
    code.refresh_from_db()
    assert code.state == InviteCode.State.AVAILABLE
    assert User.objects.count() == 1


def test_cyrillic_lookalike_answers_username_confusable(api_client):
    """The refusal says why: confusable with an existing name, not identical to it."""
    make_member(username="paypal")
    response, _ = _signup(api_client, "\u0440\u0430\u0443\u0440\u0430l")  # Cyrillic р а у р а + Latin l
    assert response.json()["error"]["code"] == "username_confusable"
    assert "looks like" in response.json()["error"]["message"]


def test_full_width_name_is_stored_nfkc_normalised(api_client):
    """A full-width username is stored as its NFKC form."""
    response, _ = _signup(api_client, "\uff42\uff4f\uff42")
    assert response.status_code == 201, response.content
    assert response.json()["user"]["username"] == "bob"
    assert User.objects.get(username="bob").username_skeleton == username_skeleton("bob")


def test_distinct_names_are_still_allowed(api_client):
    """Names that only share letters, or differ by an accent, are not confusables."""
    make_member(username="alice")
    assert _signup(api_client, "alicia")[0].status_code == 201
    assert _signup(api_client, "alic\u00e9")[0].status_code == 201


def test_the_database_refuses_a_lookalike_whatever_the_road():
    """Two rows with confusable names cannot both exist: a unique index on the skeleton."""
    UserFactory(username="mallory")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="MALL\u041eRY")  # Cyrillic capital O


def test_renaming_to_a_lookalike_is_refused_by_validation():
    """A username change (the admin forms validate the model) to a lookalike is a field error."""
    UserFactory(username="victor")
    other = UserFactory(username="someone")
    other.username = "v\u0456ctor"  # Cyrillic i
    with pytest.raises(ValidationError) as exc:
        other.full_clean()
    assert "username" in exc.value.message_dict
    other.username = "someone-else"
    other.full_clean(exclude=["password"])
    other.save()
    assert User.objects.get(pk=other.pk).username_skeleton == username_skeleton("someone-else")


def test_backfill_fills_skeletons_in_batches_and_leaves_older_name_the_owner():
    """The data migration fills every skeleton; of two existing lookalikes the older keeps it."""
    first = UserFactory(username="zed")
    User.objects.filter(pk=first.pk).update(username_skeleton=None)
    second = UserFactory(username="z\u0435d")  # Cyrillic e, saved before the index existed
    User.objects.filter(pk=first.pk).update(username_skeleton=None)
    User.objects.filter(pk=second.pk).update(username_skeleton=None)
    others = [UserFactory() for _ in range(5)]
    User.objects.filter(pk__in=[u.pk for u in others]).update(username_skeleton=None)
    migration = importlib.import_module("sora_social.accounts.migrations.0004_user_username_skeleton")
    migration.fill_skeletons(django_apps, None, batch_size=2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.username_skeleton == username_skeleton("zed")
    assert second.username_skeleton is None
    assert all(User.objects.get(pk=u.pk).username_skeleton == username_skeleton(u.username) for u in others)


def test_skeletons_of_lookalikes_are_equal():
    """NFKC, case folding and TR39 prototypes make lookalikes one skeleton."""
    base = username_skeleton("alice")
    for name in ["ALICE", "\u0430lice", "\uff41lice", "a1ice", "\u0251lice"]:
        assert username_skeleton(name) == base, name
    assert username_skeleton("bob") != base
