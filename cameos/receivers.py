"""Receivers of lower apps' domain signals (connected in `CameosConfig.ready`)."""

from __future__ import annotations

from typing import Any


def on_user_blocked(sender: Any, *, blocker_id: int, blocked_id: int, **kwargs: Any) -> None:
    """A block ends cameo consent between the two members, both ways."""
    from cameos.services import cameo_access_end_for_block

    cameo_access_end_for_block(blocker_id=blocker_id, blocked_id=blocked_id)
