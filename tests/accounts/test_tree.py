"""The invite tree: paths written at signup, ancestors and descendants in one query,
stored subtree counters (also under concurrent signups), and the moderator actions
on members and subtrees, each audited with a dry run first."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from sora_social.accounts import selectors, services
from sora_social.accounts.models import AccountAction, InviteCode, User
from sora_social.accounts.signals import account_suspended
from sora_social.accounts.tokens import tokens_for
from sora_social.common.errors import Conflict, ValidationFailed
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory, make_chain, make_member

pytestmark = pytest.mark.django_db


def _tree():
    """root → a, b;  a → a1, a2;  a1 → a11;  b → b1. Returns a dict by name."""
    root = make_member()
    a, b = make_member(root), make_member(root)
    a1, a2 = make_member(a), make_member(a)
    a11 = make_member(a1)
    b1 = make_member(b)
    return {"root": root, "a": a, "b": b, "a1": a1, "a2": a2, "a11": a11, "b1": b1}


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_signup_writes_inviter_root_depth_and_path():
    """Each member knows inviter, root and depth; paths nest under the inviter's."""
    t = _tree()
    a11 = _fresh(t["a11"])
    assert a11.inviter_id == t["a1"].pk
    assert a11.invite_root_id == t["root"].pk
    assert a11.invite_depth == 3
    assert a11.invite_path.startswith(_fresh(t["a1"]).invite_path)
    root = _fresh(t["root"])
    assert root.inviter_id is None
    assert root.invite_root_id is None
    assert root.invite_depth == 0


def test_ancestors_root_first_in_one_query(django_assert_num_queries):
    """invite_ancestors returns the inviter chain root first, with one query."""
    t = _tree()
    with django_assert_num_queries(1):
        chain = selectors.invite_ancestors(user_id=t["a11"].pk)
    assert [u.pk for u in chain] == [t["root"].pk, t["a"].pk, t["a1"].pk]
    assert selectors.invite_ancestors(user_id=t["root"].pk) == []


def test_descendants_page_depth_first_one_query(django_assert_num_queries):
    """A page of descendants is one query, depth-first, paginated, and limited by depth."""
    t = _tree()
    with django_assert_num_queries(1):
        rows, cursor = selectors.invite_descendants(user_id=t["root"].pk, limit=3)
    assert [u.pk for u in rows] == [t["a"].pk, t["a1"].pk, t["a11"].pk]
    rest, end = selectors.invite_descendants(user_id=t["root"].pk, cursor=cursor, limit=10)
    assert [u.pk for u in rest] == [t["a2"].pk, t["b"].pk, t["b1"].pk]
    assert end is None
    direct, _ = selectors.invite_descendants(user_id=t["root"].pk, max_depth=1)
    assert {u.pk for u in direct} == {t["a"].pk, t["b"].pk}
    with pytest.raises(ValidationFailed):
        selectors.invite_descendants(user_id=t["root"].pk, cursor="!!!")


def test_subtree_counters_are_stored_and_right():
    """invitees_total counts every member below, kept at each signup."""
    t = _tree()
    expected = {"root": 6, "a": 3, "b": 1, "a1": 1, "a2": 0, "a11": 0, "b1": 0}
    for name, total in expected.items():
        assert selectors.invite_subtree_size(user_id=t[name].pk) == total, name


def test_counters_rebuild_matches_incremental_counters():
    """Rebuilding counters from the tree gives the same numbers the signups kept."""
    _tree()
    before = dict(User.objects.values_list("pk", "invitees_total"))
    User.objects.update(invitees_total=99)
    services.invite_counters_rebuild()
    assert dict(User.objects.values_list("pk", "invitees_total")) == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_keep_counters_right():
    """Twenty signups at once across one tree (each its own connection) leave exact counters."""
    root = make_member()
    kids = [make_member(root) for _ in range(4)]
    codes = list(
        InviteCode.objects.filter(owner__in=kids, state=InviteCode.State.AVAILABLE).values_list(
            "code", flat=True
        )
    )
    assert len(codes) == 16
    barrier = threading.Barrier(len(codes))
    errors = []

    def join(i, code):
        import datetime as dt

        try:
            barrier.wait()
            services.user_signup(
                invite_code=code,
                username=f"racer{i}",
                email=f"racer{i}@example.test",
                password="correct-horse-battery",
                birthdate=dt.date(1990, 1, 1),
                region="US",
                ip=f"198.51.100.{i}",
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(i, c)) for i, c in enumerate(codes)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert _fresh(root).invitees_total == 4 + 16
    for kid in kids:
        assert _fresh(kid).invitees_total == 4
    paths = list(User.objects.exclude(invite_path=None).values_list("invite_path", flat=True))
    assert len(paths) == len(set(paths)) == 21


def test_subtree_suspend_reaches_exactly_the_subtree():
    """Suspending a's subtree suspends a1, a2, a11 only; with include_root also a; dry run changes nothing."""
    t = _tree()
    other = make_member()
    moderator = UserFactory(is_staff=True)
    dry = services.subtree_suspend(root=t["a"], actor=moderator, reason="resale ring", dry_run=True)
    assert dry.dry_run
    assert dry.affected == 3
    assert User.objects.filter(suspended_at__isnull=False).count() == 0

    seen = []

    def receiver(sender, user_ids, **kwargs):
        seen.extend(user_ids)

    account_suspended.connect(receiver)
    try:
        action = services.subtree_suspend(root=t["a"], actor=moderator, reason="resale ring")
    finally:
        account_suspended.disconnect(receiver)
    suspended = set(User.objects.filter(suspended_at__isnull=False).values_list("pk", flat=True))
    assert suspended == {t["a1"].pk, t["a2"].pk, t["a11"].pk} == set(seen)
    assert not User.objects.filter(pk__in=suspended, is_active=True).exists()
    assert (action.affected, action.actor_id, action.target_id, action.reason, action.dry_run) == (
        3,
        moderator.pk,
        t["a"].pk,
        "resale ring",
        False,
    )
    # The root of the subtree is told that the members they invited were suspended.
    assert Notification.objects.filter(user=t["a"], kind="invitees.suspended").exists()
    # Counters still count the subtree's members.
    assert _fresh(t["root"]).invitees_total == 6

    again = services.subtree_suspend(root=t["a"], actor=moderator, reason="and the root", include_root=True)
    assert again.affected == 1
    assert _fresh(t["a"]).suspended_at is not None
    assert Notification.objects.filter(user=t["root"], kind="invitee.suspended").exists()
    untouched = {t["root"].pk, t["b"].pk, t["b1"].pk, other.pk}
    assert (
        set(User.objects.filter(pk__in=untouched, is_active=True).values_list("pk", flat=True)) == untouched
    )


def test_suspend_stops_sign_in_and_existing_tokens_and_notifies_inviter():
    """A suspended member's JWT stops working; the inviter gets a stored notification."""
    root = make_member()
    member = make_member(root)
    token = str(RefreshToken.for_user(member).access_token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me").status_code == 200
    action = services.user_suspend(user=member, actor=None, reason="spam")
    assert action.kind == AccountAction.Kind.SUSPEND
    assert action.affected == 1
    assert client.get("/api/v1/me").status_code == 401
    note = Notification.objects.get(user=root)
    assert note.kind == "invitee.suspended"
    assert note.payload["user_id"] == str(member.pk)
    services.user_unsuspend(user=member, actor=None, reason="appeal upheld")
    assert client.get("/api/v1/me").status_code == 401  # the suspension ended every session
    fresh = tokens_for(User.objects.get(pk=member.pk))["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh}")
    assert client.get("/api/v1/me").status_code == 200


def test_ban_disables_codes_and_cannot_be_unsuspended():
    """A ban makes the member inactive, disables their codes, and unsuspend refuses it."""
    member = make_member()
    services.user_ban(user=member, actor=None, reason="csam")
    member = _fresh(member)
    assert not member.is_active
    assert not member.can_invite
    assert member.banned_at
    assert not InviteCode.objects.filter(owner=member, state=InviteCode.State.AVAILABLE).exists()
    with pytest.raises(Conflict):
        services.user_unsuspend(user=member, actor=None, reason="no")


def test_reason_is_required():
    """Moderator actions without a reason are refused."""
    member = make_member()
    with pytest.raises(ValidationFailed):
        services.user_suspend(user=member, actor=None, reason="  ")


def test_invites_disable_with_dry_run():
    """Disabling a member's invites: the dry run reports the count, the action disables their codes."""
    member = make_member()
    dry = services.invites_disable(user=member, actor=None, reason="selling codes", dry_run=True)
    assert (dry.affected, dry.details["codes"], dry.dry_run) == (1, 4, True)
    assert _fresh(member).can_invite
    action = services.invites_disable(user=member, actor=None, reason="selling codes")
    assert action.affected == 1
    assert action.details["codes"] == 4
    assert not _fresh(member).can_invite
    assert InviteCode.objects.filter(owner=member, state=InviteCode.State.DISABLED).count() == 4


def test_subtree_freeze_stops_every_member_inviting():
    """Freezing a subtree disables invites for the root and all below, nobody else."""
    t = _tree()
    dry = services.subtree_freeze(root=t["a"], actor=None, reason="ring", dry_run=True)
    assert dry.affected == 4
    action = services.subtree_freeze(root=t["a"], actor=None, reason="ring")
    assert action.affected == 4
    frozen = set(User.objects.filter(can_invite=False).values_list("pk", flat=True))
    assert frozen == {t[n].pk for n in ("a", "a1", "a2", "a11")}
    assert not InviteCode.objects.filter(owner__in=frozen, state=InviteCode.State.AVAILABLE).exists()


def test_reparent_moves_subtree_paths_and_counters():
    """Reparenting a under b moves a's subtree: depths, roots, paths and both sides' counters."""
    t = _tree()
    dry = services.subtree_reparent(node=t["a"], new_parent=t["b1"], actor=None, reason="fix", dry_run=True)
    assert dry.affected == 4
    action = services.subtree_reparent(node=t["a"], new_parent=t["b1"], actor=None, reason="fix")
    assert action.affected == 4
    a, a11 = _fresh(t["a"]), _fresh(t["a11"])
    assert a.inviter_id == t["b1"].pk
    assert a.invite_depth == 3
    assert a11.invite_depth == 5
    assert a11.invite_path.startswith(a.invite_path)
    assert [u.pk for u in selectors.invite_ancestors(user_id=a11.pk)] == [
        t["root"].pk,
        t["b"].pk,
        t["b1"].pk,
        t["a"].pk,
        t["a1"].pk,
    ]
    totals = {n: _fresh(t[n]).invitees_total for n in t}
    assert totals == {"root": 6, "a": 3, "b": 5, "b1": 4, "a1": 1, "a2": 0, "a11": 0}
    services.invite_counters_rebuild()
    assert {n: _fresh(t[n]).invitees_total for n in t} == totals


def test_reparent_to_another_tree_and_cycles_refused():
    """Moving into another tree changes the root; moving under one's own descendant is refused."""
    t = _tree()
    other = make_member()
    services.subtree_reparent(node=t["a1"], new_parent=other, actor=None, reason="merge")
    assert _fresh(t["a11"]).invite_root_id == other.pk
    assert _fresh(other).invitees_total == 2
    assert _fresh(t["root"]).invitees_total == 4
    with pytest.raises(Conflict):
        services.subtree_reparent(node=t["root"], new_parent=t["b1"], actor=None, reason="loop")
    with pytest.raises(Conflict):
        services.subtree_reparent(node=t["b"], new_parent=t["b"], actor=None, reason="loop")


def test_chain_depth_and_teen_controls_default():
    """A chain of invites gets increasing depths; adults have no teen controls."""
    chain = make_chain(5)
    assert [_fresh(u).invite_depth for u in chain] == [0, 1, 2, 3, 4]
    assert selectors.teen_controls(user_id=chain[0].pk) is None
