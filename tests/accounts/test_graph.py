"""Follows, blocks, mutuals and the relationship expressions other apps embed in their queries."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.db.models import OuterRef

from sora_social.accounts import selectors, services
from sora_social.accounts.models import Follow
from sora_social.accounts.services import graph, notification_create
from sora_social.accounts.signals import user_blocked
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.notifications.models import Inbox
from tests.accounts.factories import UserFactory, annotate_users

pytestmark = pytest.mark.django_db


def test_follow_is_idempotent_and_unfollow_removes_it():
    """Following twice keeps one edge; unfollow removes it and reports whether it existed."""
    a, b = UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    services.follow_create(actor=a, target=b)
    assert Follow.objects.filter(follower=a, followee=b).count() == 1
    assert selectors.follows(follower_id=a.pk, followee_id=b.pk)
    assert not selectors.follows(follower_id=b.pk, followee_id=a.pk)
    assert services.follow_delete(actor=a, target=b) is True
    assert services.follow_delete(actor=a, target=b) is False
    assert not selectors.follows(follower_id=a.pk, followee_id=b.pk)


def test_cannot_follow_or_block_self():
    """Self-follow and self-block are refused with specific codes."""
    a = UserFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.follow_create(actor=a, target=a)
    assert exc.value.code == "cannot_follow_self"
    with pytest.raises(ValidationFailed) as exc:
        services.block_create(actor=a, target=a)
    assert exc.value.code == "cannot_block_self"


def test_mutuals_need_both_directions():
    """Mutuals are pairs following each other; one-way follows are not."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    assert not selectors.users_are_mutuals(a_id=a.pk, b_id=b.pk)
    services.follow_create(actor=b, target=a)
    services.follow_create(actor=a, target=c)
    assert selectors.users_are_mutuals(a_id=a.pk, b_id=b.pk)
    assert selectors.users_are_mutuals(a_id=b.pk, b_id=a.pk)
    assert not selectors.users_are_mutuals(a_id=a.pk, b_id=c.pk)
    assert selectors.mutual_ids(user_id=a.pk) == {b.pk}
    assert selectors.mutual_ids(user_id=c.pk) == set()


def test_mutual_follow_exists_works_with_outer_refs(django_assert_num_queries):
    """The Exists expression correlates with another queryset in one query."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    services.follow_create(actor=b, target=a)
    services.follow_create(actor=a, target=c)
    with django_assert_num_queries(1):
        rows = annotate_users([b, c], selectors.mutual_follow_exists(a=a.pk, b=OuterRef("pk")))
    assert rows == {b.pk: True, c.pk: False}


def test_block_unfollows_both_ways_hides_and_signals():
    """Blocking deletes follows both ways, blocks re-following either way, and sends user_blocked."""
    a, b = UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    services.follow_create(actor=b, target=a)
    received = []

    def receiver(sender, blocker_id, blocked_id, **kwargs):
        received.append((blocker_id, blocked_id))

    user_blocked.connect(receiver)
    try:
        services.block_create(actor=a, target=b)
        services.block_create(actor=a, target=b)  # idempotent: no second signal
    finally:
        user_blocked.disconnect(receiver)
    assert received == [(a.pk, b.pk)]
    assert not Follow.objects.filter(follower__in=[a, b]).exists()
    assert selectors.blocked_either_way(a_id=b.pk, b_id=a.pk)
    assert selectors.blocked_user_ids(user_id=a.pk) == {b.pk}
    assert selectors.blocked_user_ids(user_id=b.pk) == {a.pk}
    with pytest.raises(NotFound):
        services.follow_create(actor=b, target=a)
    with pytest.raises(NotFound):
        services.follow_create(actor=a, target=b)
    assert services.block_delete(actor=a, target=b) is True
    assert not selectors.blocked_either_way(a_id=a.pk, b_id=b.pk)
    services.follow_create(actor=b, target=a)


def test_block_exists_expression():
    """block_exists is true for a block in either direction, inside another query."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    services.block_create(actor=b, target=a)
    rows = annotate_users([b, c], selectors.block_exists(a=a.pk, b=OuterRef("pk")))
    assert rows == {b.pk: True, c.pk: False}


@pytest.mark.django_db(transaction=True)
def test_a_follow_and_a_like_notifying_one_member_at_once_do_not_deadlock(monkeypatch):
    """A follow locks the followee's row (its counters) and then bumps their inbox; a like of the
    followee's post bumps the same inbox and, at COMMIT, checks its rows' foreign keys against the
    followee's row (`FOR KEY SHARE`). With the counters locking `FOR UPDATE` the two waited on each
    other and PostgreSQL aborted one ("deadlock detected", a 503 in the stack's soak); the
    counters' lock is `FOR NO KEY UPDATE`, which the key check does not wait for."""
    me, fan, liker = UserFactory(), UserFactory(), UserFactory()
    counters_locked, like_written = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    real_notify = graph.notification_create

    def notify_after_the_like(**kwargs):
        counters_locked.set()  # the follow's transaction holds the followee's row by now
        like_written.wait(timeout=10)
        return real_notify(**kwargs)

    monkeypatch.setattr(graph, "notification_create", notify_after_the_like)

    def follow() -> None:
        services.follow_create(actor=fan, target=me)

    def like() -> None:
        counters_locked.wait(timeout=10)
        with transaction.atomic():
            notification_create(
                user_id=me.pk, kind="like", payload={"post_id": "7"}, actor_id=liker.pk,
                target_type="post", target_id=7,
            )  # fmt: skip
            like_written.set()
        # COMMIT: the notification's key checks against `me`, whose row the follow holds.

    def run(target) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in (follow, like)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Follow.objects.filter(follower=fan, followee=me).exists()
    assert Inbox.objects.get(user=me).unread == 2  # one follow group, one like group
