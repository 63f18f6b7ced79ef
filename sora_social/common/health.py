"""Liveness (`/healthz`) and readiness (`/readyz`) with a state per dependency.

Apps add their own checks (classifiers, model files) with
`register_readiness_check` from their `AppConfig.ready()`. A check returns a
`Check`; `required=False` checks are reported but do not fail readiness.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse

from sora_social.common.renderers import dumps
from sora_social.common.worker import inprocess_worker_alive

OK = "ok"
DOWN = "down"
DEGRADED = "degraded"
DISABLED = "disabled"


@dataclass
class Check:
    state: str
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    required: bool = True


_CHECKS: dict[str, Callable[[], Check]] = {}


def register_readiness_check(name: str, check: Callable[[], Check]) -> None:
    _CHECKS[name] = check


def _database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    if row is None:
        return Check(DOWN, "connected, but the pgvector extension is missing (run migrate)")
    version = connection.pg_version  # type: ignore[attr-defined]  # PostgreSQL backend only; stubs know the base
    return Check(OK, f"PostgreSQL {version // 10000}, pgvector {row[0]}")


def _broker() -> Check:
    if settings.REDIS_URL:
        timeout = settings.HEALTH_STORAGE_TIMEOUT_S
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        try:
            client.ping()
        finally:
            client.close()  # one probe, one connection: not left for the garbage collector
        return Check(OK, "redis")
    if not settings.INPROCESS_WORKER:
        return Check(DEGRADED, "no REDIS_URL and the in-process worker is off: background work will not run")
    if inprocess_worker_alive():
        return Check(OK, "in-process worker")
    return Check(DOWN, "in-process worker is not running")


def _channel_layer() -> Check:
    layer = get_channel_layer()
    if layer is None:
        return Check(DOWN, "no channel layer configured")

    async def round_trip() -> bool:
        # The default (`specific.`) prefix, as a WebSocket's channel has. The Redis layer pops one
        # key per prefix, and one receive at a time pops for the whole process: while a quiet
        # socket held that turn, a `readyz.` channel's message was never popped, and the probe
        # (with its pooled database connection) waited until an event reached some socket.
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "readyz.ping"})
        message = await layer.receive(channel)
        return message.get("type") == "readyz.ping"

    async def bounded() -> bool:
        # asyncio.timeout, not wait_for: before Python 3.12 wait_for can drop a cancellation
        # (see sora_social.common.redis_config.CancelSafeConnection).
        async with asyncio.timeout(settings.HEALTH_STORAGE_TIMEOUT_S):
            return await round_trip()

    try:
        ok = async_to_sync(bounded)()
    except TimeoutError:
        return Check(DOWN, f"no round trip in {settings.HEALTH_STORAGE_TIMEOUT_S:g} s")
    return Check(OK if ok else DOWN, type(layer).__name__)


def _storage() -> Check:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    return Check(OK if ok else DOWN, type(default_storage._wrapped).__name__)  # type: ignore[attr-defined]  # the lazy object's target


register_readiness_check("database", _database)
register_readiness_check("broker", _broker)
register_readiness_check("channel_layer", _channel_layer)
register_readiness_check("storage", _storage)


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    ready = True
    for name, check in _CHECKS.items():
        started = time.perf_counter()
        try:
            outcome = check()
        except Exception as exc:
            outcome = Check(DOWN, f"{type(exc).__name__}: {exc}")
        entry = {"state": outcome.state, "detail": outcome.detail, "required": outcome.required}
        entry.update(outcome.extra)
        entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = entry
        if outcome.required and outcome.state == DOWN:
            ready = False
    return ready, results


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(dumps({"status": "ok"}), content_type="application/json")


def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = run_checks()
    # Which required dependencies are down, by name, for probes and operators.
    failing = [name for name, c in checks.items() if c["required"] and c["state"] == DOWN]
    body = {"status": "ready" if ready else "not_ready", "failing": failing, "checks": checks}
    return HttpResponse(dumps(body), status=200 if ready else 503, content_type="application/json")
