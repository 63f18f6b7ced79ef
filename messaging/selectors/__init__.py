"""Reads of the messaging app. Selectors never write.

- `threads`: `member_get` (my row in a thread; 404 for non-members), `threads_page`
  (inbox and requests), `thread_detail`, `BOXES`;
- `messages`: `messages_page` (a thread's messages, shared posts checked for the reader),
  `message_visible_to` (what a member may report), `message_context` (the few messages
  around a reported one, for moderators), `CONTEXT_AROUND`.
"""

from messaging.selectors.messages import CONTEXT_AROUND, message_context, message_visible_to, messages_page
from messaging.selectors.threads import BOXES, member_get, thread_detail, threads_page

__all__ = [
    "BOXES",
    "CONTEXT_AROUND",
    "member_get",
    "message_context",
    "message_visible_to",
    "messages_page",
    "thread_detail",
    "threads_page",
]
