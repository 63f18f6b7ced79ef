"""The consent selector: "may user U cast cameo C now?" in one indexed query."""

from __future__ import annotations

import pytest

from cameos import selectors, services
from cameos.models import Audience, CameoState
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db


def test_owner_may_cast_own_verified_cameo():
    """The owner may always cast their own verified cameo, whatever the audience."""
    cameo = CameoFactory(audience=Audience.ONLY_ME)
    assert selectors.may_cast(user_id=cameo.owner_id, cameo_id=cameo.pk)


def test_unverified_cameo_is_castable_by_nobody():
    """A cameo still processing (or rejected) cannot be cast, even by its owner."""
    for state in (CameoState.PROCESSING, CameoState.REJECTED, CameoState.AWAITING_RECORDING):
        cameo = CameoFactory(state=state, audience=Audience.EVERYONE)
        assert not selectors.may_cast(user_id=cameo.owner_id, cameo_id=cameo.pk)
        cameo.delete()


def test_only_me_refuses_even_granted_users():
    """`only_me` shuts out everyone else, including people holding a grant."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    friend = UserFactory()
    services.cameo_grant(cameo=cameo, user_id=friend.pk)
    assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
    services.cameo_update(cameo=cameo, audience=Audience.ONLY_ME)
    assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)


def test_approved_needs_a_grant():
    """`approved` lets in exactly the members the owner granted."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    friend, stranger = UserFactory(), UserFactory()
    services.cameo_grant(cameo=cameo, user_id=friend.pk)
    assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
    assert not selectors.may_cast(user_id=stranger.pk, cameo_id=cameo.pk)


def test_everyone_but_revoked():
    """`everyone` admits any member except one the owner revoked."""
    cameo = CameoFactory(audience=Audience.EVERYONE)
    fan, pest = UserFactory(), UserFactory()
    services.cameo_revoke(cameo=cameo, user_id=pest.pk)
    assert selectors.may_cast(user_id=fan.pk, cameo_id=cameo.pk)
    assert not selectors.may_cast(user_id=pest.pk, cameo_id=cameo.pk)


def test_grant_after_revocation_restores_access():
    """A new grant lifts an earlier revocation."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    friend = UserFactory()
    services.cameo_revoke(cameo=cameo, user_id=friend.pk)
    assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
    services.cameo_grant(cameo=cameo, user_id=friend.pk)
    assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)


def test_may_cast_is_one_query(django_assert_num_queries):
    """The check is a single query, with or without the row lock."""
    cameo = CameoFactory(audience=Audience.EVERYONE)
    other = UserFactory()
    with django_assert_num_queries(1):
        assert selectors.may_cast(user_id=other.pk, cameo_id=cameo.pk)
    with django_assert_num_queries(1):
        assert selectors.may_cast(user_id=other.pk, cameo_id=cameo.pk, lock=True)


def test_usable_cameo_ids_answers_a_whole_cast_in_one_query(django_assert_num_queries):
    """A cast of several cameos is checked in one query and returns exactly the usable ones."""
    caster = UserFactory()
    open_ = CameoFactory(audience=Audience.EVERYONE)
    granted = CameoFactory(audience=Audience.APPROVED)
    services.cameo_grant(cameo=granted, user_id=caster.pk)
    closed = CameoFactory(audience=Audience.APPROVED)
    private = CameoFactory(audience=Audience.ONLY_ME)
    own = CameoFactory(owner=caster, audience=Audience.ONLY_ME)
    ids = [open_.pk, granted.pk, closed.pk, private.pk, own.pk, 999]
    with django_assert_num_queries(1):
        usable = selectors.usable_cameo_ids(user_id=caster.pk, cameo_ids=ids)
    assert usable == {open_.pk, granted.pk, own.pk}


def test_consent_query_uses_indexes():
    """The plan of the consent query reads the cameo by primary key and every subquery through an index."""
    from django.db import connection

    cameo = CameoFactory(audience=Audience.APPROVED)
    other = UserFactory()
    qs = selectors.Cameo.objects.filter(pk=cameo.pk, state=CameoState.VERIFIED).filter(
        selectors._castable(other.pk)
    )
    sql, params = qs.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cameos_cameo_pkey" in plan
    # With sequential scans priced out, a Seq Scan would mean a table has no usable index.
    assert "Seq Scan" not in plan, plan
