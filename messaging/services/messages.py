"""Sending and deleting messages, and moderation's removal of one.

`message_send` checks everything before it writes (membership, the thread
still open, the request accepted, the teen and block rules against every
other member, the shared post visible to the sender, the content rules, the
rate limit), then stores the message, moves the thread's activity and every
other member's stored unread count in one UPDATE each, and sends the message
over each member's WebSocket once committed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from feed.selectors import post_get
from messaging import presenters
from messaging.models import Message, Thread, ThreadMember
from messaging.selectors import member_get
from messaging.services.access import contact_check
from messaging.services.checks import request_messages_check, send_rate_check, text_check, text_clean
from messaging.states import SEEING, MemberState, MessageState, ThreadState
from sora_social.accounts.models import User
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.ids import parse_id


def _others(thread_id: int, sender_id: int) -> list[int]:
    return list(
        ThreadMember.objects.filter(thread_id=thread_id, state__in=SEEING)
        .exclude(user_id=sender_id)
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def message_send(*, viewer: Viewer, thread_id: object, text: str = "", post_id: object = None) -> Message:
    """Send text and/or a shared post to a thread I am in (see the module docstring)."""
    sender = User.objects.select_for_update(no_key=True).get(
        pk=viewer.id
    )  # the sender's rate limit, one at a time
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    thread = Thread.objects.select_for_update().get(pk=member.thread_id)
    if thread.state != ThreadState.ACTIVE:
        raise Conflict("This conversation has ended.", code="thread_ended")
    if member.state == MemberState.REQUESTED:
        raise Conflict("Accept the request before replying.", code="request_pending")
    text = text_clean(text)
    shared = post_get(viewer=viewer, post_id=post_id).id if post_id not in (None, "") else None
    if not text and shared is None:
        raise ValidationFailed("A message needs text or a shared post.", code="message_empty")
    others = _others(thread.pk, viewer.id)
    contact_check(viewer=viewer, sender=sender, recipient_ids=others)
    send_rate_check(sender_id=viewer.id)
    requested = ThreadMember.objects.filter(thread_id=thread.pk, state=MemberState.REQUESTED).count()
    request_messages_check(thread_id=thread.pk, sender_id=viewer.id, requested=requested)
    text_check(text=text, teen=viewer.is_teen)
    message = Message.objects.create(thread=thread, sender_id=viewer.id, text=text, shared_post_id=shared)
    Thread.objects.filter(pk=thread.pk).update(activity_id=message.id, last_message=message)
    ThreadMember.objects.filter(thread_id=thread.pk, user_id__in=others).update(
        unread_count=F("unread_count") + 1
    )
    ThreadMember.objects.filter(pk=member.pk).update(last_read_id=message.id)
    muted = dict(
        ThreadMember.objects.filter(thread_id=thread.pk, user_id__in=others).values_list("user_id", "muted")
    )
    for user_id in others:
        send_user_event_on_commit(
            user_id, presenters.message_event(message, sender, muted=muted.get(user_id, False))
        )
    return message


@transaction.atomic
def message_delete(*, viewer: Viewer, thread_id: object, message_id: object) -> None:
    """Delete my own message: its text and shared post are gone for everyone (the row stays as
    "deleted" so the conversation keeps its order)."""
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    pk = parse_id(message_id)
    message = (
        Message.objects.select_for_update().filter(pk=pk, thread_id=member.thread_id).first() if pk else None
    )
    if message is None:
        raise NotFound("No such message.", code="message_not_found")
    if message.sender_id != viewer.id:
        raise Forbidden("You can delete only your own messages.", code="not_your_message")
    if message.state == MessageState.DELETED:
        return
    Message.objects.filter(pk=message.pk).update(state=MessageState.DELETED, text="", shared_post_id=None)
    for user_id in [viewer.id, *_others(member.thread_id, viewer.id)]:
        send_user_event_on_commit(user_id, presenters.message_deleted_event(message))


@transaction.atomic
def message_moderate(*, message_id: int, removed: bool) -> bool:
    """Moderation removes (or restores) a message; its content stays for the case. True when it moved."""
    source, target = (
        (MessageState.VISIBLE, MessageState.REMOVED)
        if removed
        else (MessageState.REMOVED, MessageState.VISIBLE)
    )
    return Message.objects.filter(pk=message_id, state=source).update(state=target) == 1
