"""Read functions other apps (the feed) call instead of importing cameo models."""

from __future__ import annotations

import pytest

from cameos import selectors
from cameos.models import CameoState
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db


def test_verified_cameo_ids_keeps_only_verified(django_assert_num_queries):
    """Of the ids asked, only the verified cameos come back, in one query."""
    verified = CameoFactory()
    processing = CameoFactory(state=CameoState.PROCESSING)
    with django_assert_num_queries(1):
        got = selectors.verified_cameo_ids(cameo_ids=iter([verified.pk, processing.pk, 999_999]))
    assert got == {verified.pk}
    assert selectors.verified_cameo_ids(cameo_ids=[]) == set()


def test_cameo_owners_maps_ids_to_owner_and_username(django_assert_num_queries):
    """Each cameo id maps to its owner's id and username, in one query."""
    a, b = CameoFactory(), CameoFactory(state=CameoState.REJECTED)
    with django_assert_num_queries(1):
        got = selectors.cameo_owners(cameo_ids=(a.pk, b.pk))
    assert got == {a.pk: (a.owner_id, a.owner.username), b.pk: (b.owner_id, b.owner.username)}


def test_sql_tables_names_the_cameo_table():
    """The feed's hand-written SQL gets the cameo table name from here."""
    assert selectors.sql_tables() == {"cameo": "cameos_cameo"}
