"""Database connections come from a per-process pool, bounded however many threads ask."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connections

from sora_social.embedded_db import apply_connection_settings


def test_pool_settings_and_plain_settings():
    """A pool size gives psycopg pool options (and no persistent connections); 0 turns it off."""
    entry: dict = {"OPTIONS": {"sslmode": "prefer"}}
    apply_connection_settings(entry, pool_max=8, conn_max_age=60)
    assert entry["CONN_MAX_AGE"] == 0
    assert entry["OPTIONS"]["pool"]["max_size"] == 8
    assert entry["OPTIONS"]["sslmode"] == "prefer"
    apply_connection_settings(entry, pool_max=0, conn_max_age=30)
    assert "pool" not in entry["OPTIONS"]
    assert entry["CONN_MAX_AGE"] == 30


@pytest.mark.django_db(transaction=True, databases=["default", "pooled"])
def test_many_threads_share_a_bounded_pool():
    """Twelve threads making 60 queries through the pooled alias use at most its 3 connections."""
    assert settings.DATABASES["pooled"]["OPTIONS"]["pool"]["max_size"] == 3

    def work(_: int) -> set[int]:
        seen = set()
        try:
            for _ in range(5):
                with connections["pooled"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid(), pg_sleep(0.01)")
                    seen.add(cursor.fetchone()[0])
                # Django returns the connection to the pool at the end of each request.
                connections["pooled"].close()
        finally:
            connections["pooled"].close()
        return seen

    with ThreadPoolExecutor(max_workers=12) as pool:
        pids = set().union(*pool.map(work, range(12)))
    assert 1 <= len(pids) <= 3, pids
