"""Connection settings for the Redis channel layer (imported by settings; no Django imports)."""

from __future__ import annotations

from typing import Any


def redis_layer_config(url: str) -> dict[str, Any]:
    """channels_redis CONFIG for one Redis URL.

    redis-py 8 reads with a 5 s socket timeout by default, the same as
    channels_redis's blocking pop, so an idle socket's receive would fail
    every 5 s. Reads get a longer timeout than the pop; connects stay short.
    """
    return {
        "hosts": [{"address": url, "socket_timeout": 30, "socket_connect_timeout": 5}],
        "prefix": "sora:ws",
    }
