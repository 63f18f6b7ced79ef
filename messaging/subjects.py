"""Messages as moderation subjects (the adapter for `moderation.registry`).

A moderator looking at a reported message sees it and the few messages on
each side of it (`selectors.CONTEXT_AROUND`), as its "lineage": never the whole
conversation, which stays private (docs/MESSAGING.md, "Reports and privacy").
"""

from __future__ import annotations

from messaging.models import Message, ThreadMember
from messaging.selectors import message_context, message_visible_to
from messaging.states import SEEING, MessageState
from moderation.registry import RowSubject, SubjectView
from sora_social.accounts.models import User


def _view(message: Message, *, reported: bool = False) -> SubjectView:
    text = message.text if message.state != MessageState.DELETED else "(deleted by its sender)"
    return SubjectView(
        title=("Reported message" if reported else "Message") + f" by @{message.sender.username}",
        owner_id=message.sender_id,
        text=text,
        admin_url=None,
        extra={
            "state": message.state,
            "thread_id": str(message.thread_id),
            "sent_at": str(message.created_at),
        },
    )


class MessageSubjects(RowSubject):
    model = Message
    owner_field = "sender_id"

    def visible_to(self, object_id: int, user: User) -> bool:
        return message_visible_to(message_id=object_id, user=user)

    def reach(self, object_id: int) -> int:
        """The members who can read it."""
        thread_id = Message.objects.filter(pk=object_id).values_list("thread_id", flat=True).first()
        return ThreadMember.objects.filter(thread_id=thread_id, state__in=SEEING).count() if thread_id else 0

    def render(self, object_id: int) -> SubjectView:
        return _view(Message.objects.select_related("sender").get(pk=object_id), reported=True)

    def lineage(self, object_id: int) -> list[SubjectView]:
        return [_view(m) for m in message_context(message_id=object_id)]

    def credits(self, object_id: int) -> list[SubjectView]:
        return []
