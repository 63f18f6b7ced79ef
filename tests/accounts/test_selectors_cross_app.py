"""Selectors other apps use instead of the accounts models: table names and the follow expression."""

from __future__ import annotations

import pytest
from django.db.models import OuterRef

from sora_social.accounts import selectors, services
from sora_social.accounts.models import Block, Follow, User
from tests.accounts.factories import UserFactory, annotate_users

pytestmark = pytest.mark.django_db


def test_sql_tables_name_the_member_follow_and_block_tables():
    """sql_tables gives the real table names for hand-written SQL."""
    assert selectors.sql_tables() == {
        "user": User._meta.db_table,
        "follow": Follow._meta.db_table,
        "block": Block._meta.db_table,
    }


def test_follow_exists_expression_is_directional():
    """follow_exists is true only for follower → followee, inside another query."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    services.follow_create(actor=c, target=a)
    rows = annotate_users([b, c], selectors.follow_exists(follower=a.pk, followee=OuterRef("pk")))
    assert rows == {b.pk: True, c.pk: False}
