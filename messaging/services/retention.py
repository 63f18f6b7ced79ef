"""What other apps' events do to conversations: a block ends the pair's 1:1 thread, a deleted
account takes its messages' content with it. Set-based: a fixed number of statements."""

from __future__ import annotations

from django.db import transaction

from messaging.models import Message, Thread, ThreadMember, pair_key
from messaging.states import (
    MEMBER_MACHINE,
    THREAD_MACHINE,
    MemberState,
    MessageState,
    ThreadKind,
    ThreadState,
)
from sora_social.common.states import bulk_transition


@transaction.atomic
def threads_end_for_block(*, a_id: int, b_id: int) -> list[int]:
    """End the 1:1 thread of two members now blocked (either way); returns the ended ids.

    Nobody can send in it any more, and neither can open a new one while the
    block lasts (the teen and block rule refuses it)."""
    return bulk_transition(
        THREAD_MACHINE, Thread.objects.filter(pair_key=pair_key(a_id, b_id)), to=ThreadState.ENDED
    )


@transaction.atomic
def messages_remove_for_account(*, user_id: int) -> int:
    """A deleted account: its messages keep their place but lose their content, it leaves every
    thread, and its 1:1 threads end. Returns how many messages were emptied."""
    emptied = (
        Message.objects.filter(sender_id=user_id)
        .exclude(state=MessageState.DELETED, text="", shared_post_id=None)
        .update(state=MessageState.DELETED, text="", shared_post_id=None)
    )
    threads = ThreadMember.objects.filter(user_id=user_id).values("thread_id")
    bulk_transition(
        THREAD_MACHINE,
        Thread.objects.filter(pk__in=threads, kind=ThreadKind.DIRECT),
        to=ThreadState.ENDED,
    )
    bulk_transition(MEMBER_MACHINE, ThreadMember.objects.filter(user_id=user_id), to=MemberState.LEFT)
    return emptied
