"""An in-memory channel layer that worker threads may send to safely.

Channels' `InMemoryChannelLayer` keeps one asyncio queue per channel, bound to
the event loop of whoever receives on it. The in-process Celery worker runs in
other threads with loops of their own; putting into a queue from there would
not wake the waiting WebSocket consumer. This layer remembers, per channel,
the loop that receives on it, and hands sends from any other loop over to it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.layers import InMemoryChannelLayer


class InProcessChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loops: dict[str, asyncio.AbstractEventLoop] = {}

    async def receive(self, channel: str) -> dict[str, Any]:
        self._loops[channel] = asyncio.get_running_loop()
        try:
            return await super().receive(channel)
        finally:
            self._loops.pop(channel, None)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        loop = self._loops.get(channel)
        current = asyncio.get_running_loop()
        if loop is None or loop is current or loop.is_closed() or not loop.is_running():
            await super().send(channel, message)
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(super().send(channel, message), loop))

    def _remove_from_groups(self, channel: str) -> None:
        self._loops.pop(channel, None)
        super()._remove_from_groups(channel)
