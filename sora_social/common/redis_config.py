"""Connection settings for the Redis channel layer (imported by settings; no Django imports)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import redis.exceptions
from redis.asyncio.connection import Connection as AsyncConnection
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.retry import Retry


def redis_async_retry() -> AsyncRetry:
    """`redis_retry` for asyncio clients (the channel layer): the sync `Retry` cannot await."""
    return AsyncRetry(ExponentialBackoff(cap=0.5, base=0.05), 3)


def redis_retry() -> Retry:
    """Retry a command on a fresh connection after a connection error (redis-py retries none by default).

    A restarted Redis leaves every pooled connection dead; without a retry the
    first command on each fails, and a WebSocket opened right after the restart
    loses its receive loop to one of them. Three tries, 50 ms to 500 ms apart.
    """
    return Retry(ExponentialBackoff(cap=0.5, base=0.05), 3)


class CancelSafeConnection(AsyncConnection):
    """redis-py's asyncio connection, with its write bounded by `asyncio.timeout`, not `asyncio.wait_for`.

    redis-py sends each command under `asyncio.wait_for(..., socket_timeout)`. Before Python 3.12,
    `wait_for` returns the result, and drops the cancellation, when its task is cancelled just as
    the write completes. Channels cancels a WebSocket's pending `receive()` when the socket closes;
    a dropped cancellation there leaves the receive looping on BZPOPMIN for ever: the consumer never
    ends (uvicorn waits for it at shutdown) and it keeps the process's receive turn, popping its
    `specific.` key. `asyncio.timeout` keeps the cancellation. Used by the channel layer for
    `redis://` URLs (`rediss://` and `unix://` pick their own class in redis-py's URL parsing).
    """

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        timeout = self.socket_timeout
        if not timeout:
            await super().send_packed_command(command, check_health)
            return
        try:
            async with asyncio.timeout(timeout):
                self.socket_timeout = None  # so the write below is not wrapped in wait_for
                try:
                    await super().send_packed_command(command, check_health)
                finally:
                    self.socket_timeout = timeout
        except TimeoutError as exc:  # asyncio's (the builtin); redis-py's own is a RedisError
            await self.disconnect(nowait=True)
            raise redis.exceptions.TimeoutError("Timeout writing to socket") from exc


def redis_layer_config(url: str) -> dict[str, Any]:
    """channels_redis CONFIG for one Redis URL.

    redis-py 8 reads with a 5 s socket timeout by default, the same as
    channels_redis's blocking pop, so an idle socket's receive would fail
    every 5 s. Reads get a longer timeout than the pop; connects stay short. Writes go through
    `CancelSafeConnection`, so a closed socket's cancelled receive really ends.
    """
    return {
        "hosts": [
            {
                "address": url,
                "socket_timeout": 30,
                "socket_connect_timeout": 5,
                "retry": redis_async_retry(),
                "connection_class": CancelSafeConnection,
            }
        ],
        "prefix": "sora:ws",
    }
