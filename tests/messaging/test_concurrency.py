"""Under real concurrency: two members opening the same 1:1 thread get one thread; unread
counters are exact when many members send at once."""

from __future__ import annotations

import pytest

from messaging import services
from messaging.models import Message, Thread, ThreadMember
from sora_social.accounts.viewer import Viewer
from tests.accounts.factories import UserFactory
from tests.concurrency import run_at_once
from tests.messaging.factories import friends

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_members_opening_the_same_direct_thread_at_once_get_one_thread():
    """Eight attempts at once (four from each side) all answer the same single thread."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    pairs = [(a, b), (b, a)] * 4
    outcomes: list[object] = []

    def go(i: int) -> None:
        me, other = pairs[i]
        try:
            thread, _created = services.thread_open(viewer=Viewer.of(me), member_ids=[other.pk])
            outcomes.append(thread.pk)
        except Exception as exc:
            outcomes.append(exc)

    run_at_once(go, len(pairs))
    assert Thread.objects.count() == 1
    assert outcomes == [Thread.objects.get().pk] * len(pairs)
    assert ThreadMember.objects.count() == 2


def test_unread_counters_are_exact_under_concurrent_sends():
    """Nine members each sending twice at once into a group: every member's stored unread count is
    the number of messages the others sent."""
    members = [UserFactory() for _ in range(10)]
    owner = members[0]
    for other in members[1:]:
        friends(owner, other)
    group, _ = services.thread_open(viewer=Viewer.of(owner), member_ids=[m.pk for m in members[1:]])
    assert set(ThreadMember.objects.filter(thread=group).values_list("state", flat=True)) == {"active"}
    senders = members[1:] * 2
    errors: list[Exception] = []

    def go(i: int) -> None:
        try:
            services.message_send(viewer=Viewer.of(senders[i]), thread_id=group.pk, text=f"hi {i}")
        except Exception as exc:
            errors.append(exc)

    run_at_once(go, len(senders))
    assert not errors, errors
    assert Message.objects.filter(thread=group).count() == 18
    counts = dict(ThreadMember.objects.filter(thread=group).values_list("user_id", "unread_count"))
    assert counts[owner.pk] == 18
    for member in members[1:]:
        assert counts[member.pk] == 16
    assert (
        Thread.objects.get(pk=group.pk).activity_id
        == Message.objects.filter(thread=group).order_by("-id")[0].pk
    )
