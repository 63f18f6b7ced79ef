"""Connection settings for the Redis channel layer (imported by settings; no Django imports)."""

from __future__ import annotations

from typing import Any

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


def redis_layer_config(url: str) -> dict[str, Any]:
    """channels_redis CONFIG for one Redis URL.

    redis-py 8 reads with a 5 s socket timeout by default, the same as
    channels_redis's blocking pop, so an idle socket's receive would fail
    every 5 s. Reads get a longer timeout than the pop; connects stay short.
    """
    return {
        "hosts": [
            {"address": url, "socket_timeout": 30, "socket_connect_timeout": 5, "retry": redis_async_retry()}
        ],
        "prefix": "sora:ws",
    }
