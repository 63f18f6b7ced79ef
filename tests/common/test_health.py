"""Liveness and readiness, with a state per dependency."""

from __future__ import annotations

import asyncio

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_is_ok():
    """/healthz answers 200 while the process lives."""
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_readyz_all_green_with_worker(inprocess_worker, settings):
    """With the in-process worker running, every dependency of the embedded default is ok."""
    settings.INPROCESS_WORKER = True
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    for name in ("database", "broker", "channel_layer", "storage"):
        assert body["checks"][name]["state"] == "ok", (name, body["checks"][name])
    assert "pgvector" in body["checks"]["database"]["detail"]


def test_readyz_reports_a_dead_dependency(settings, monkeypatch):
    """A failing required check makes readiness 503 and names the failure."""
    from django.core.files.storage import default_storage

    def broken_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken_save)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["storage"]["state"] == "down"
    assert "disk full" in body["checks"]["storage"]["detail"]
    assert body["checks"]["database"]["state"] == "ok"


@pytest.mark.redis
async def test_readyz_channel_layer_check_answers_while_a_quiet_socket_is_connected(redis_url, settings):
    """With the Redis layer every receive of a process shares one loop: whoever holds its lock pops
    for all. A WebSocket waiting for events holds it while nothing arrives, so the readiness round
    trip must travel on the key that loop pops (a `specific.` channel): a `readyz.` channel had its
    own key, and /readyz waited until some event reached some socket of the process (for ever after
    the stack's soak), each waiting probe holding a pooled database connection."""
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from sora_social.common import health
    from sora_social.common.redis_config import redis_layer_config

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {**redis_layer_config(redis_url), "prefix": "test:readyz"},
        }
    }
    layer = get_channel_layer()
    quiet = asyncio.ensure_future(layer.receive(await layer.new_channel()))  # a connected, quiet socket
    await asyncio.sleep(0.5)  # it holds the layer's receive lock, popping its process's key
    probe = asyncio.ensure_future(sync_to_async(health._channel_layer, thread_sensitive=False)())
    done, _ = await asyncio.wait({probe}, timeout=15)
    quiet.cancel()  # lets an unfixed round trip finish too (and the test end)
    check = await probe
    assert done, "the readiness round trip waited on a quiet socket"
    assert check.state == health.OK, check


async def test_readyz_channel_layer_check_is_bounded(settings, monkeypatch):
    """A layer that never delivers makes the check `down` within HEALTH_TIMEOUT_S, not a probe that
    hangs (and holds its thread and pooled connection) until the client gives up."""
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from sora_social.common import health

    settings.HEALTH_STORAGE_TIMEOUT_S = 0.5
    layer = get_channel_layer()

    async def never(channel: str) -> dict:
        await asyncio.Event().wait()
        return {}

    monkeypatch.setattr(layer, "receive", never)
    check = await asyncio.wait_for(sync_to_async(health._channel_layer, thread_sensitive=False)(), timeout=10)
    assert check.state == health.DOWN
    assert "no round trip in 0.5 s" in check.detail
