"""Receivers of lower apps' domain signals (connected in `CameosConfig.ready`)."""

from __future__ import annotations

from typing import Any

from cameos.services import cameo_access_end_for_block, cameos_delete_for_account


def on_user_blocked(sender: Any, *, blocker_id: int, blocked_id: int, **kwargs: Any) -> None:
    """A block ends cameo consent between the two members, both ways."""
    cameo_access_end_for_block(blocker_id=blocker_id, blocked_id=blocked_id)


def on_account_deleted(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    """A deleted account's cameos go with their face data; its grants and requests end."""
    cameos_delete_for_account(user_id=user_id)
