"""With Redis configured, the channel layer, cache and Celery broker really use it."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from celery import Celery

from sora_social.common.redis_config import redis_layer_config

pytestmark = pytest.mark.redis


def test_redis_channel_layer_group_send(redis_url):
    """A group message sent through channels_redis arrives at a member channel."""
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(**{**redis_layer_config(redis_url), "prefix": "test:ws"})

    async def round_trip() -> dict:
        channel = await layer.new_channel()
        await layer.group_add("user.1", channel)
        await layer.group_send("user.1", {"type": "user.event", "payload": {"type": "x"}})
        message = await layer.receive(channel)
        await layer.flush()
        return message

    assert async_to_sync(round_trip)() == {"type": "user.event", "payload": {"type": "x"}}


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
         "-P", "threads", "--without-mingle", "--without-gossip", "-n", "redis-test@%h", "-l", "INFO"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    # The same layer configuration as the settings give the worker process.
    layer = RedisChannelLayer(**redis_layer_config(redis_url))
    output_lines: list[str] = []

    def read_output() -> None:
        for raw in iter(worker.stdout.readline, b""):
            line = raw.decode(errors="replace")
            output_lines.append(line)

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        # Wait until the worker answers a remote-control ping: it is consuming.
        producer = Celery("producer", broker=redis_url, set_as_current=False)
        deadline = time.monotonic() + 90
        while not producer.control.ping(timeout=0.5):
            assert worker.poll() is None, "".join(output_lines)[-3000:]
            assert time.monotonic() < deadline, "".join(output_lines)[-3000:]

        async def listen() -> dict:
            channel = await layer.new_channel()
            await layer.group_add("user.77", channel)
            producer.send_task("common.echo_to_user", args=[77, "e1", "over redis"], queue="default")
            # Longer than channels_redis's 5 s blocking pop: the read must survive it.
            return await asyncio.wait_for(layer.receive(channel), timeout=30)

        message = async_to_sync(listen)()
        assert message["type"] == "user.event"
        assert message["payload"]["message"] == "over redis"
        assert message["payload"]["type"] == "diagnostics.echo"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        reader.join(5)
        async_to_sync(layer.flush)()
    output = "".join(output_lines)
    assert "Traceback" not in output, output[-3000:]


def test_idle_socket_receive_survives_the_blocking_pop(redis_url):
    """A consumer idle longer than channels_redis's 5 s blocking pop still gets its message
    (with redis-py's default 5 s read timeout it failed with a TimeoutError)."""
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(**{**redis_layer_config(redis_url), "prefix": "test:idle"})

    async def idle_then_receive() -> dict:
        channel = await layer.new_channel()

        async def send_later() -> None:
            await asyncio.sleep(6.5)
            await layer.send(channel, {"type": "late"})

        sender = asyncio.ensure_future(send_later())
        message = await asyncio.wait_for(layer.receive(channel), timeout=20)
        await sender
        await layer.flush()
        return message

    assert async_to_sync(idle_then_receive)() == {"type": "late"}
