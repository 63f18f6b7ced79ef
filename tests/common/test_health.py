"""Liveness and readiness, with a state per dependency."""

from __future__ import annotations

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
