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


def test_seed_demo_posts_form_remix_lineage_with_right_counters():
    """`--posts` seeds roots and remixes two levels deep, with stored counters that match the rows."""
    from django.db.models import Count

    from feed.models import Post

    call_command("seed_demo", users=60, posts=600, verbosity=0, quiet_logins=True)
    total = Post.objects.count()
    assert total >= 500
    depths = dict(Post.objects.values_list("depth").annotate(n=Count("id")).values_list("depth", "n"))
    assert depths.get(0), depths
    assert depths.get(1), depths
    for root in Post.objects.filter(depth=0, descendant_count__gt=0)[:20]:
        assert root.descendant_count == Post.objects.filter(root_id=root.id).exclude(pk=root.id).count()
    for parent in Post.objects.filter(remix_count__gt=0)[:20]:
        assert parent.remix_count == Post.objects.filter(parent_id=parent.id).count()
    call_command("seed_demo", users=60, posts=600, verbosity=0, quiet_logins=True)
    assert Post.objects.count() == total


def test_seed_demo_refuses_a_non_embedded_database_unless_forced(settings):
    """With DATABASE_URL set, seed_demo stops with one line and seeds nothing; `--force` seeds anyway."""
    from django.core.management.base import CommandError

    settings.DATABASE_URL = "postgres://sora:secret@db.internal:5432/sora"
    User = get_user_model()
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", users=5, verbosity=0, quiet_logins=True)
    assert "DATABASE_URL" in str(refused.value)
    assert "--force" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not User.objects.exists()
    call_command("seed_demo", users=5, verbosity=0, quiet_logins=True, force=True)
    assert User.objects.filter(username="admin").exists()
