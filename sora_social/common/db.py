"""Hand-written SQL on hot paths, as server-side prepared statements.

The ORM builds and compiles a query on every call, and Django's psycopg
cursors bind parameters on the client, so PostgreSQL plans every statement
afresh. For the few reads that every screen makes (feed pages, post cards),
`prepared_cursor` runs fixed SQL text with server-side parameters and asks
psycopg to prepare it: each pooled connection plans the statement once and
then only executes it.

The cursor is wrapped the way Django wraps its own, so these statements take
part in the request's transaction, turn driver errors into Django's, and are
seen by query logging and `assertNumQueries`.

`DB_PREPARED_STATEMENTS=false` turns preparation off, for a connection pooler
that cannot keep them (PgBouncer in transaction mode before 1.21).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections

_EXPLICIT_ONLY = 1 << 30


class _PreparingCursor(psycopg.Cursor):
    """A server-binding cursor whose `execute` prepares unless told otherwise."""

    binary_results: bool | None = None

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        if prepare is None:
            prepare = settings.DB_PREPARED_STATEMENTS
        if binary is None:
            binary = self.binary_results
        return super().execute(query, params, prepare=prepare, binary=binary)


@contextmanager
def prepared_cursor(using: str = "default", *, binary: bool = False) -> Iterator[Any]:
    """A Django-wrapped cursor that prepares its statements.

    `binary=True` asks for results in PostgreSQL's binary format, cheaper to
    parse for numbers and timestamps (timestamps come back aware, in UTC, as
    Django's own loader gives them).
    """
    conn = connections[using]
    conn.ensure_connection()
    conn.validate_thread_sharing()
    if conn.connection.prepare_threshold is None:
        # Django turns psycopg's preparation off (safe behind poolers). Turn it
        # back on for explicit `prepare=True` only: a threshold no query reaches
        # (Django's own cursors bind on the client and never prepare anyway).
        conn.connection.prepare_threshold = _EXPLICIT_ONLY
    raw = _PreparingCursor(conn.connection)
    raw.binary_results = binary
    # Django wraps the raw DB-API cursor; the stubs type the argument as the wrapper.
    wrap = conn.make_debug_cursor if conn.queries_logged else conn.make_cursor
    cursor = wrap(raw)  # type: ignore[arg-type]  # a raw cursor is what Django passes here too
    try:
        yield cursor
    finally:
        cursor.close()
