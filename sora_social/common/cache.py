"""The Redis cache backend with one connection pool per process.

Django's `RedisCache` keeps its connection pool on the cache object, and the
cache handler keeps cache objects per context: under ASGI every request has
its own context, so every request built a new pool and opened a new TCP
connection to Redis, closed only when the garbage collector got to it. The
stack's soak saw Redis clients climb from 36 to 162 in a minute. Here the pool
is shared by every cache object of the process (per server URL; redis-py pools
reset themselves in a forked child).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_POOLS: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write: bool) -> Any:
        client: Any = self  # django-stubs omit the client's private attributes
        server = client._servers[client._get_connection_pool_index(write)]
        options = client._pool_options
        # Options by name and plain value (a Retry object differs per instance, not in effect).
        key = (server, repr(sorted((k, v) for k, v in options.items() if k != "retry")))
        with _LOCK:
            pool = _POOLS.get(key)
            if pool is None:
                pool = _POOLS[key] = client._pool_class.from_url(server, **options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
