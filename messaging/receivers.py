"""How other apps' events reach conversations: receivers of their domain signals.

Connected in `MessagingConfig.ready()`; each is set-based and idempotent, and
runs inside the sender's transaction.
"""

from __future__ import annotations

from typing import Any

from messaging import services
from moderation import signals as m


def on_user_blocked(sender: Any, blocker_id: int, blocked_id: int, **_: Any) -> None:
    """A block ends the pair's 1:1 thread for both."""
    services.threads_end_for_block(a_id=blocker_id, b_id=blocked_id)


def on_account_deleted(sender: Any, user_id: int, **_: Any) -> None:
    """The member's messages lose their content; they leave every thread."""
    services.messages_remove_for_account(user_id=user_id)


def on_content_actioned(sender: Any, kind: str, object_id: int, action: str, **_: Any) -> None:
    """Moderation removed (or hid) a reported message, or restored it."""
    if kind != "message":
        return
    if action in (m.REMOVE, m.HIDE):
        services.message_moderate(message_id=object_id, removed=True)
    elif action == m.RESTORE:
        services.message_moderate(message_id=object_id, removed=False)
