"""After Redis drops a pooled connection (as a restart does), the next command is retried on a
fresh one: the cache, the feed store and the channel layer recover without a failed request.

Only our own connections are killed (`CLIENT KILL ID`): the machine's Redis is shared.
"""

from __future__ import annotations

import uuid

import pytest
import redis
from asgiref.sync import async_to_sync

from sora_social.common.redis_config import redis_layer_config, redis_retry

pytestmark = pytest.mark.redis


def _kill_own_connection(url: str, client_id: int) -> None:
    admin = redis.Redis.from_url(url)
    assert admin.execute_command("CLIENT", "KILL", "ID", client_id) == 1
    admin.close()


def test_a_dropped_connection_fails_without_the_retry_and_not_with_it(redis_url):
    """The difference the setting makes, shown on one killed connection each."""
    plain = redis.Redis.from_url(redis_url, single_connection_client=True)
    plain.set("retry:k", "1")
    _kill_own_connection(redis_url, plain.client_id())
    with pytest.raises(redis.exceptions.ConnectionError):
        plain.get("retry:k")

    retried = redis.Redis.from_url(redis_url, single_connection_client=True, retry=redis_retry())
    assert retried.get("retry:k") == b"1"
    _kill_own_connection(redis_url, retried.client_id())
    assert retried.get("retry:k") == b"1"


def _kill_named(url: str, name: str) -> int:
    """Kill every connection of ours (by client name); how many there were."""
    admin = redis.Redis.from_url(url)
    ids = [int(c["id"]) for c in admin.client_list() if c.get("name") == name]
    for cid in ids:
        admin.execute_command("CLIENT", "KILL", "ID", cid)
    admin.close()
    return len(ids)


def test_django_cache_survives_a_dropped_connection(redis_url):
    """The cache (throttle counters), configured as settings configure it, after its connection died."""
    from sora_social.common.cache import SharedPoolRedisCache

    name = f"retry-cache-{uuid.uuid4().hex[:8]}"
    cache = SharedPoolRedisCache(redis_url, {"OPTIONS": {"retry": redis_retry(), "client_name": name}})
    cache.set("k", 1)
    assert _kill_named(redis_url, name) >= 1
    assert cache.get("k") == 1


def test_channel_layer_survives_a_dropped_connection(redis_url):
    """A socket's layer after a Redis restart: the pool retries on a fresh connection."""
    from channels_redis.core import RedisChannelLayer

    name = f"retry-layer-{uuid.uuid4().hex[:8]}"
    config = redis_layer_config(redis_url)
    config["hosts"][0]["client_name"] = name
    layer = RedisChannelLayer(**{**config, "prefix": "test:retry"})

    async def round_trip() -> dict:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "a"})
        assert (await layer.receive(channel))["type"] == "a"
        assert _kill_named(redis_url, name) >= 1
        await layer.send(channel, {"type": "b"})
        message = await layer.receive(channel)
        await layer.flush()
        return message

    assert async_to_sync(round_trip)()["type"] == "b"


def test_the_layer_and_feed_store_are_configured_with_it():
    """Settings wiring: the layer's host entry and the feed store's client carry a retry."""
    from feed.store import RedisStore

    assert redis_layer_config("redis://x:1/0")["hosts"][0]["retry"]._retries == 3
    store = RedisStore("redis://127.0.0.1:1/0")
    assert store.r.get_connection_kwargs()["retry"]._retries == 3


def test_cache_objects_share_one_pool_per_process(redis_url):
    """Under ASGI each request gets its own cache object; they must not each open a connection."""
    from sora_social.common.cache import SharedPoolRedisCache

    name = f"shared-pool-{uuid.uuid4().hex[:8]}"
    params = {"OPTIONS": {"retry": redis_retry(), "client_name": name}}
    caches = [SharedPoolRedisCache(redis_url, params) for _ in range(20)]
    for n, cache in enumerate(caches):
        cache.set(f"k{n}", n)
        assert cache.get(f"k{n}") == n
    admin = redis.Redis.from_url(redis_url)
    ours = [c for c in admin.client_list() if c.get("name") == name]
    admin.close()
    assert len(ours) == 1


def test_plain_django_redis_cache_opens_a_connection_per_object(redis_url):
    """What the shared pool fixes (if Django changes this, the backend can go)."""
    from django.core.cache.backends.redis import RedisCache

    name = f"plain-pool-{uuid.uuid4().hex[:8]}"
    caches = [RedisCache(redis_url, {"OPTIONS": {"client_name": name}}) for _ in range(5)]
    for cache in caches:
        cache.set("k", 1)
    admin = redis.Redis.from_url(redis_url)
    ours = [c for c in admin.client_list() if c.get("name") == name]
    admin.close()
    assert len(ours) == 5
