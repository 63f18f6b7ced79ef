"""A pooled connection that died (a database restart, a killed backend) is replaced, not handed out."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from sora_social.embedded_db import apply_connection_settings


def test_the_pool_checks_each_connection_as_it_leaves():
    """Django gives its pool `ConnectionPool.check_connection` when health checks are on."""
    entry: dict = {"OPTIONS": {}}
    apply_connection_settings(entry, pool_max=4, conn_max_age=0)
    assert entry["CONN_HEALTH_CHECKS"] is True
    assert "check" not in entry["OPTIONS"]["pool"]  # Django passes it; twice is a TypeError


def test_the_pool_opens_with_the_production_settings():
    """A command on the base settings connects through the pool (the settings build a valid pool)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sora_social.settings.base"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.django_db
def test_a_killed_connection_is_replaced_by_the_check():
    """The mechanism the settings rely on: with `check`, a pool whose only connection was
    terminated hands out a fresh one; without it, the dead one fails the caller."""
    db = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        host=db["HOST"] or None, port=db["PORT"] or None, dbname=db["NAME"], user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    )  # fmt: skip

    def killed_pool(**kwargs) -> ConnectionPool:
        pool = ConnectionPool(conninfo, min_size=1, max_size=1, open=True, **kwargs)
        with pool.connection() as conn:
            pid = conn.info.backend_pid
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return pool

    checked = killed_pool(check=ConnectionPool.check_connection)
    try:
        with checked.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        checked.close()
    unchecked = killed_pool()
    try:
        with pytest.raises(psycopg.OperationalError), unchecked.connection() as conn:
            conn.execute("SELECT 1")
    finally:
        unchecked.close()
