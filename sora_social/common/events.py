"""Client events over the WebSocket, sent only once the transaction commits.

Each signed-in socket joins the group `user.<id>`. Services call
`send_user_event_on_commit`; if the surrounding transaction rolls back, the
client never hears of a change that did not happen.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_user_event(user_id: int, payload: dict[str, Any]) -> None:
    """Send now (from a worker, after its own commit). Payload must be JSON-able with a `type`."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "user.event", "payload": payload})
    except Exception:
        # A lost notification must never fail the work that produced it.
        logger.exception("could not send %s to user %s", payload.get("type"), user_id)


def send_user_event_on_commit(user_id: int, payload: dict[str, Any], *, using: str | None = None) -> None:
    transaction.on_commit(lambda: send_user_event(user_id, payload), using=using)


def close_user_sockets(user_ids: list[int]) -> None:
    """Close every open socket of these members now (they were signed out everywhere)."""
    layer = get_channel_layer()
    if layer is None or not user_ids:
        return

    async def send_all() -> None:
        for user_id in user_ids:
            await layer.group_send(user_group(user_id), {"type": "session.revoke"})

    try:
        async_to_sync(send_all)()
    except Exception:
        # Tokens are already refused; a socket missed here is refused at its next connect.
        logger.exception("could not close the sockets of %d members", len(user_ids))


def close_user_sockets_on_commit(user_ids: list[int], *, using: str | None = None) -> None:
    transaction.on_commit(lambda: close_user_sockets(user_ids), using=using)
