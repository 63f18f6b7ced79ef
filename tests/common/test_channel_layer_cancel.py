"""A cancelled channel-layer receive ends (a closed WebSocket's consumer ends with it).

redis-py writes each command under `asyncio.wait_for`, which before Python 3.12 drops a
cancellation that arrives just as the write completes; a WebSocket's cancelled `receive()` then
looped on BZPOPMIN for ever, and its consumer never ended (the stack's post-soak zombie).
"""

from __future__ import annotations

import asyncio
import random
import sys
from urllib.parse import urlparse

import pytest

from sora_social.common.redis_config import CancelSafeConnection, redis_layer_config

pytestmark = pytest.mark.redis


async def _cancelled_as_the_write_completes(connection_class: type, redis_url: str) -> str:
    """Send a PING on a connection of `connection_class` while the sending task is cancelled at
    the moment its write finishes: 'cancelled', or 'swallowed' when the task carried on."""
    url = urlparse(redis_url)
    conn = connection_class(
        host=url.hostname, port=url.port or 6379, db=int(url.path.lstrip("/") or 0), socket_timeout=30
    )
    await conn.connect()
    drain = conn._writer.drain
    task: asyncio.Task | None = None

    async def drain_then_cancel_the_sender() -> None:
        await drain()
        assert task is not None
        task.cancel()

    conn._writer.drain = drain_then_cancel_the_sender

    async def send() -> str:
        await conn.send_packed_command(conn.pack_command("PING"), check_health=False)
        await asyncio.sleep(0)  # a task that still has its cancellation stops here
        return "swallowed"

    task = asyncio.ensure_future(send())
    try:
        return await task
    except asyncio.CancelledError:
        return "cancelled"
    finally:
        await conn.disconnect()


async def test_the_layers_connection_keeps_a_cancellation_that_lands_as_a_write_completes(redis_url):
    """Deterministic: the cancel is sent from inside the write. redis-py's own connection drops it
    on Python < 3.12 (`asyncio.wait_for`); the layer's `CancelSafeConnection` keeps it."""
    from redis.asyncio.connection import Connection

    assert await _cancelled_as_the_write_completes(CancelSafeConnection, redis_url) == "cancelled"
    plain = await _cancelled_as_the_write_completes(Connection, redis_url)
    assert plain == ("swallowed" if sys.version_info < (3, 12) else "cancelled")


async def test_every_cancelled_receive_of_the_layer_ends(redis_url):
    """The layer as settings configure it: receives cancelled at random moments (as closing
    sockets cancel them) all end; none is left popping."""
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(**{**redis_layer_config(redis_url), "prefix": "test:cancel"})
    rng = random.Random(7)
    for _ in range(40):
        receive = asyncio.ensure_future(layer.receive(await layer.new_channel()))
        await asyncio.sleep(rng.uniform(0, 0.15))
        receive.cancel()
        done, _ = await asyncio.wait({receive}, timeout=7)
        assert done, "a cancelled receive went on popping"
    await layer.flush()
