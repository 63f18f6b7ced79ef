"""With Redis configured, the channel layer, cache and Celery broker really use it."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from celery import Celery

pytestmark = pytest.mark.redis


def test_redis_channel_layer_group_send(redis_url):
    """A group message sent through channels_redis arrives at a member channel."""
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[redis_url], prefix="test:ws")

    async def round_trip() -> dict:
        channel = await layer.new_channel()
        await layer.group_add("user.1", channel)
        await layer.group_send("user.1", {"type": "user.event", "payload": {"type": "x"}})
        message = await layer.receive(channel)
        await layer.flush()
        return message

    assert async_to_sync(round_trip)() == {"type": "user.event", "payload": {"type": "x"}}


def test_redis_cache_backs_throttles(redis_url, settings):
    """The Redis cache counts throttle hits across clients of the same key."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url, {})
    cache.set("throttle_auth_1.2.3.4", [1.0, 2.0], 60)
    assert caches["default"] is not cache
    assert RedisCache(redis_url, {}).get("throttle_auth_1.2.3.4") == [1.0, 2.0]


def test_separate_worker_process_over_redis(redis_url, tmp_path):
    """The deployment shape: a `celery worker` process consumes from Redis and pushes the
    event through the Redis channel layer to a socket group in another process."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from channels_redis.core import RedisChannelLayer

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "sora_social.settings.base"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sora_social", "worker", "-Q", "default", "-c", "1",
         "-P", "threads", "--without-mingle", "--without-gossip", "-n", "redis-test@%h", "-l", "WARNING"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    layer = RedisChannelLayer(hosts=[redis_url], prefix="sora:ws")
    try:

        async def listen() -> dict:
            channel = await layer.new_channel()
            await layer.group_add("user.77", channel)
            producer = Celery("producer", broker=redis_url, set_as_current=False)
            producer.send_task("common.echo_to_user", args=[77, "e1", "over redis"], queue="default")
            return await asyncio.wait_for(layer.receive(channel), timeout=60)

        message = async_to_sync(listen)()
        assert message["type"] == "user.event"
        assert message["payload"]["message"] == "over redis"
        assert message["payload"]["type"] == "diagnostics.echo"
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        async_to_sync(layer.flush)()
    assert "Traceback" not in output, output[-3000:]
