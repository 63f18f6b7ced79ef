"""The demo seeder builds one consistent invite tree with codes, idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from sora_social.accounts import selectors
from sora_social.accounts.models import InviteCode, User

pytestmark = pytest.mark.django_db


def _check_tree(n_members):
    members = User.objects.exclude(invite_path=None)
    assert members.count() == n_members
    alice = User.objects.get(username="alice")
    assert alice.inviter_id is None
    assert alice.invitees_total == n_members - 1
    assert members.filter(inviter=None).count() == 1
    assert members.exclude(pk=alice.pk).exclude(invite_root=alice).count() == 0
    # Each member has exactly 4 codes; each non-root member redeemed one of their inviter's.
    per_owner = set(InviteCode.objects.values("owner_id").annotate(n=Count("id")).values_list("n", flat=True))
    assert per_owner == {4}
    redeemed = InviteCode.objects.filter(state="redeemed")
    assert redeemed.count() == n_members - 1
    assert not redeemed.exclude(owner_id__in=members.values("inviter_id")).exists()
    for code in redeemed.select_related("redeemed_by")[:50]:
        assert code.redeemed_by.inviter_id == code.owner_id
    assert User.objects.get(username="admin").invite_path is None


def test_seeded_members_form_an_invite_tree_idempotently():
    """250 then 300 members: one tree under alice, 4 codes each, consistent counters."""
    call_command("seed_demo", users=250, verbosity=0, quiet_logins=True)
    _check_tree(253)
    before = dict(User.objects.values_list("pk", "invitees_total"))
    call_command("seed_demo", users=250, verbosity=0, quiet_logins=True)
    assert dict(User.objects.values_list("pk", "invitees_total")) == before
    call_command("seed_demo", users=300, verbosity=0, quiet_logins=True)
    _check_tree(303)
    deepest = User.objects.order_by("-invite_depth").first()
    chain = selectors.invite_ancestors(user_id=deepest.pk)
    assert chain[0].username == "alice"
    assert len(chain) == deepest.invite_depth


def test_seeded_members_have_bios_avatars_and_follow_each_other():
    """Every demo member has a bio; alice, bob and carol have avatars and follow each other, with
    the counters to match the follows (the demo notifications add a few followers more); seeding
    again changes none of it."""
    from django.core.files.storage import default_storage

    from sora_social.accounts.models import Follow

    call_command("seed_demo", users=20, verbosity=0, quiet_logins=True)
    assert (
        not User.objects.filter(email__endswith="@demo.sora.local", bio="").exclude(username="admin").exists()
    )
    named = list(User.objects.filter(username__in=["alice", "bob", "carol"]))
    avatars = {u.username: u.avatar for u in named}
    for user in named:
        assert user.avatar.startswith("private/")
        assert default_storage.exists(user.avatar)
        others = {"alice", "bob", "carol"} - {user.username}
        follows = set(Follow.objects.filter(follower=user).values_list("followee__username", flat=True))
        assert others <= follows
        assert user.following_count == len(follows)
        followers = Follow.objects.filter(followee=user).count()
        assert followers >= 2
        assert user.follower_count == followers
    counts = {u.username: (u.avatar, u.follower_count, u.following_count) for u in named}
    call_command("seed_demo", users=20, verbosity=0, quiet_logins=True)
    again = {
        u.username: (u.avatar, u.follower_count, u.following_count)
        for u in User.objects.filter(username__in=avatars)
    }
    assert again == counts
