"""`seed_demo` creates demo data with bulk inserts and is idempotent."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent():
    """Running twice with the same numbers adds nothing the second time."""
    User = get_user_model()
    call_command("seed_demo", users=250, verbosity=0, quiet_logins=True)
    first = User.objects.count()
    assert first == 250 + 4  # generated + admin, alice, bob, carol
    call_command("seed_demo", users=250, verbosity=0, quiet_logins=True)
    assert User.objects.count() == first
    call_command("seed_demo", users=300, verbosity=0, quiet_logins=True)
    assert User.objects.count() == first + 50
    assert User.objects.get(username="admin").is_superuser
