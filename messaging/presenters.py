"""The one place messaging's API bodies and WebSocket events are shaped. No queries of its own."""

from __future__ import annotations

from typing import Any

from messaging.models import Message, Thread, ThreadMember
from messaging.states import MemberState, MessageState
from sora_social.accounts.models import User


def _user(user_id: int, username: str, display_name: str) -> dict[str, Any]:
    return {"id": str(user_id), "username": username, "display_name": display_name}


def _preview(message: Message | None, hidden: frozenset[int]) -> dict[str, Any] | None:
    """The last message; its content blank when it is gone or its sender is blocked either way."""
    if message is None:
        return None
    shown = message.state == MessageState.VISIBLE and message.sender_id not in hidden
    return {
        "id": str(message.pk),
        "sender_id": str(message.sender_id),
        "text": message.text if shown else "",
        "has_shared_post": shown and message.shared_post_id is not None,
        "state": message.state,
        "created_at": message.created_at,
    }


def thread_out(
    row: ThreadMember, members: list[dict[str, Any]], hidden: frozenset[int] = frozenset()
) -> dict[str, Any]:
    """A thread as one member sees it: who is in it, the last message, my unread count."""
    thread = row.thread
    return {
        "id": str(thread.pk),
        "kind": thread.kind,
        "title": thread.title,
        "state": thread.state,
        "members": [
            {
                **_user(m["user_id"], m["user__username"], m["user__display_name"]),
                "pending": m["state"] == MemberState.REQUESTED,
            }
            for m in members
        ],
        "last_message": _preview(thread.last_message, hidden),
        "unread_count": row.unread_count,
        "muted": row.muted,
        "request": row.state == MemberState.REQUESTED,
        "created_at": thread.created_at,
    }


def threads_page_out(
    rows: list[ThreadMember],
    members: dict[int, list[dict[str, Any]]],
    next_cursor: str | None,
    hidden: frozenset[int] = frozenset(),
) -> dict[str, Any]:
    return {
        "results": [thread_out(row, members[row.thread_id], hidden) for row in rows],
        "next": next_cursor,
    }


def message_out(message: Message, cards: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """A message for a reader; a shared post the reader may not see is `available: false`."""
    shown = message.state == MessageState.VISIBLE
    shared: dict[str, Any] | None = None
    if shown and message.shared_post_id is not None:
        card = cards.get(message.shared_post_id)
        shared = {"available": card is not None, "post": card}
    sender = message.sender
    return {
        "id": str(message.pk),
        "thread_id": str(message.thread_id),
        "sender": _user(sender.pk, sender.username, sender.display_name),
        "text": message.text if shown else "",
        "shared_post": shared,
        "state": message.state,
        "created_at": message.created_at,
    }


def messages_page_out(
    messages: list[Message], cards: dict[int, dict[str, Any]], next_cursor: str | None
) -> dict[str, Any]:
    return {"results": [message_out(m, cards) for m in messages], "next": next_cursor}


def read_out(row: ThreadMember) -> dict[str, Any]:
    return {
        "thread_id": str(row.thread_id),
        "unread_count": row.unread_count,
        "last_read_id": str(row.last_read_id),
    }


def membership_out(row: ThreadMember) -> dict[str, Any]:
    return {"thread_id": str(row.thread_id), "state": row.state, "muted": row.muted}


def request_payload(thread: Thread, sender: User) -> dict[str, Any]:
    """The `dm_request` notification's payload."""
    return {"thread_id": str(thread.pk), "from": _user(sender.pk, sender.username, sender.display_name)}


def message_event(message: Message, sender: User, *, muted: bool) -> dict[str, Any]:
    """`message.new` over the WebSocket. A shared post is only flagged: each reader's own
    visibility decides when they fetch the thread."""
    return {
        "type": "message.new",
        "thread_id": str(message.thread_id),
        "muted": muted,
        "message": {
            "id": str(message.pk),
            "sender": _user(sender.pk, sender.username, sender.display_name),
            "text": message.text,
            "has_shared_post": message.shared_post_id is not None,
            "created_at": message.created_at.isoformat(),
        },
    }


def message_deleted_event(message: Message) -> dict[str, Any]:
    return {"type": "message.deleted", "thread_id": str(message.thread_id), "message_id": str(message.pk)}


def read_event(row: ThreadMember) -> dict[str, Any]:
    """`thread.read` to my other devices."""
    return {"type": "thread.read", **read_out(row)}
