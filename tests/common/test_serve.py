"""`manage.py serve` hands uvicorn the project's defaults."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command


def test_serve_gives_busy_workers_time_before_the_supervisor_kills_them(monkeypatch, settings):
    """uvicorn's supervisor kills a worker that misses its 5 s ping, with its requests in flight;
    the stack's soak saw that on a loaded machine, so serve waits 30 s (configurable)."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    call_command("serve", "--workers", "2", "--port", "1")
    call_command("serve", "--workers", "2", "--port", "1", "--worker-healthcheck-timeout", "60")
    assert [c["timeout_worker_healthcheck"] for c in calls] == [30, 60]
    assert calls[0]["workers"] == 2
