"""Writes of the messaging app: one function per change (`<entity>_<action>`, keyword-only).

Split by subject; import them from this package:

- `threads`: `thread_open` (a 1:1 thread found or made by its pair, or a group), `thread_start`
  (that and its first message, atomically),
  `request_accept`, `request_decline`, `thread_leave`, `thread_mute`, `thread_read`;
- `messages`: `message_send` (text and/or a shared post; counters and WebSocket delivery),
  `message_delete` (my own), `message_moderate` (moderation's removal and restore);
- `retention`: `threads_end_for_block`, `messages_remove_for_account` (other apps' events);
- `checks`: the content rules (no links), the text checks, and the rate limits;
- `access`: the teen and block rules for a sender and recipients.
"""

from messaging.services.messages import message_delete, message_moderate, message_send
from messaging.services.retention import messages_remove_for_account, threads_end_for_block
from messaging.services.threads import (
    request_accept,
    request_decline,
    thread_leave,
    thread_mute,
    thread_open,
    thread_read,
    thread_start,
)

__all__ = [
    "message_delete",
    "message_moderate",
    "message_send",
    "messages_remove_for_account",
    "request_accept",
    "request_decline",
    "thread_leave",
    "thread_mute",
    "thread_open",
    "thread_read",
    "thread_start",
    "threads_end_for_block",
]
