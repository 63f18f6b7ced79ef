"""A pooled connection that died (a database restart, a killed backend) is replaced, not handed out."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from sora_social.embedded_db import apply_connection_settings


def test_the_pool_checks_each_connection_as_it_leaves():
    entry: dict = {"OPTIONS": {}}
    apply_connection_settings(entry, pool_max=4, conn_max_age=0)
    assert entry["OPTIONS"]["pool"]["check"] is ConnectionPool.check_connection


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
