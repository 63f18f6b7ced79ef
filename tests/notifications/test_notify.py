"""The one notification system: grouping, muting, the stored unread counter (under concurrency), live delivery on commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from sora_social.accounts.services import notification_create
from sora_social.notifications import services
from sora_social.notifications.models import Inbox, Notification, NotificationGroup
from sora_social.notifications.services import notify as notify_services
from tests.accounts.factories import UserFactory
from tests.concurrency import run_at_once

POST = 4242


def _like(user: Any, actor: Any, post_id: int = POST) -> Any:
    return notification_create(
        user_id=user.pk, kind="like", payload={"post_id": str(post_id)}, actor_id=actor.pk,
        target_type="post", target_id=post_id,
    )  # fmt: skip


def _unread_groups(user: Any) -> int:
    return NotificationGroup.objects.filter(user=user, read_at__isnull=True).count()


def _counter(user: Any) -> int:
    return Inbox.objects.get(user=user).unread


@pytest.mark.django_db
def test_likes_of_one_post_fold_into_one_group_with_a_sample():
    """Twelve likes of one post are one group: count 12, the three newest actors first, one unread."""
    me, fans = UserFactory(), [UserFactory() for _ in range(12)]
    for fan in fans:
        _like(me, fan)
    group = NotificationGroup.objects.get(user=me)
    assert (group.kind, group.count, group.target_id) == ("like", 12, POST)
    assert group.actor_ids == [fans[-1].pk, fans[-2].pk, fans[-3].pk]
    assert Notification.objects.filter(user=me, group=group).count() == 12
    assert _counter(me) == 1


@pytest.mark.django_db
def test_a_repeat_by_a_recent_actor_does_not_count_twice():
    """The same member liking again (after unliking) moves to the front but is counted once."""
    me, a, b = UserFactory(), UserFactory(), UserFactory()
    _like(me, a)
    _like(me, b)
    _like(me, a)
    group = NotificationGroup.objects.get(user=me)
    assert (group.count, group.actor_ids) == (2, [a.pk, b.pk])


@pytest.mark.django_db
def test_other_targets_and_kinds_make_other_groups_and_read_groups_close():
    """Another post or kind is another group; once read, the next like opens a new group."""
    me, fan = UserFactory(), UserFactory()
    _like(me, fan, POST)
    _like(me, fan, POST + 1)
    notification_create(user_id=me.pk, kind="invitee.suspended", payload={"user_id": "1"})
    notification_create(user_id=me.pk, kind="invitee.suspended", payload={"user_id": "2"})
    assert NotificationGroup.objects.filter(user=me).count() == 4
    assert _counter(me) == 4
    assert services.notifications_mark_read(user_id=me.pk) == 4
    assert _counter(me) == 0
    _like(me, UserFactory(), POST)
    assert NotificationGroup.objects.filter(user=me, target_id=POST).count() == 2
    assert _counter(me) == 1 == _unread_groups(me)


@pytest.mark.django_db
def test_mark_read_up_to_an_id_leaves_newer_groups_unread():
    """Marking up to a notification id marks only the groups whose newest event is at or before it."""
    me = UserFactory()
    first = _like(me, UserFactory(), 1)
    _like(me, UserFactory(), 2)
    assert services.notifications_mark_read(user_id=me.pk, up_to_id=first.id) == 1
    assert _counter(me) == 1 == _unread_groups(me)
    assert services.notifications_mark_read(user_id=me.pk, up_to_id=first.id) == 0


@pytest.mark.django_db
def test_muted_kinds_are_neither_stored_nor_pushed(monkeypatch):
    """A muted kind stores nothing, sends nothing, enqueues nothing; other kinds still arrive."""
    me = UserFactory()
    sent: list[Any] = []
    monkeypatch.setattr(notify_services, "send_user_event_on_commit", lambda uid, p: sent.append(p))
    monkeypatch.setattr(notify_services, "enqueue_on_commit", lambda *a, **k: sent.append(a))
    services.notification_preferences_set(user_id=me.pk, muted=["like"])
    assert _like(me, UserFactory()) is None
    assert not Notification.objects.filter(user=me).exists()
    assert sent == []
    notification_create(user_id=me.pk, kind="follow", payload={}, actor_id=UserFactory().pk)
    assert [p["type"] for p in sent] == ["follow"]


@pytest.mark.django_db
def test_safety_notices_cannot_be_muted():
    """Muting a safety notice (or an unknown kind) is a 400 naming it, and changes nothing."""
    from sora_social.common.errors import ValidationFailed

    me = UserFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.notification_preferences_set(user_id=me.pk, muted=["like", "moderation.strike"])
    assert refused.value.code == "invalid_notification_kind"
    assert not Inbox.objects.filter(user=me).exists()


@pytest.mark.django_db
def test_nobody_is_notified_of_their_own_doing():
    """An actor who is the recipient is not notified (liking my own post)."""
    me = UserFactory()
    assert _like(me, me) is None
    assert not NotificationGroup.objects.filter(user=me).exists()


@pytest.mark.django_db(transaction=True)
def test_live_event_goes_out_only_on_commit(monkeypatch):
    """The WebSocket event is sent after commit, with the kind as its type, the group and the counter."""
    me, fan = UserFactory(), UserFactory()
    sent: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setattr("sora_social.common.events.send_user_event", lambda uid, p: sent.append((uid, p)))

    def like_then_fail() -> None:
        with transaction.atomic():
            _like(me, fan)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        like_then_fail()
    assert sent == []
    assert not Notification.objects.exists()
    with transaction.atomic():
        note = _like(me, fan)
        assert sent == []
    [(to, event)] = sent
    assert to == me.pk
    assert event["type"] == "like"
    assert (event["id"], event["count"], event["unread"]) == (str(note.id), 1, 1)
    assert event["actor_id"] == str(fan.pk)
    assert event["target"] == {"type": "post", "id": str(POST)}


@pytest.mark.django_db(transaction=True)
def test_unread_counter_stays_exact_under_concurrent_likes_and_reads():
    """Many members liking many posts at once while the owner marks read: the stored counter equals
    the unread groups, and every like is one event in exactly one group."""
    me = UserFactory()
    fans = [UserFactory() for _ in range(12)]

    def work(i: int) -> None:
        if i % 4 == 3:
            services.notifications_mark_read(user_id=me.pk)
        else:
            _like(me, fans[i], POST + i % 3)

    run_at_once(work, 12)
    assert _counter(me) == _unread_groups(me)
    assert Notification.objects.filter(user=me).count() == 9
    # Concurrent first likes of one post never open two groups at once (one open group per key).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, count(*) FROM notifications_group WHERE user_id = %s AND read_at IS NULL"
            " GROUP BY key HAVING count(*) > 1",
            [me.pk],
        )
        assert cursor.fetchall() == []
    run_at_once(lambda i: _like(me, fans[i], POST + 100), 8)
    group = NotificationGroup.objects.get(user=me, target_id=POST + 100)
    assert group.count == 8
    assert _counter(me) == _unread_groups(me)
