"""Time-ordered 63-bit ids ("snowflakes"), shown to clients as opaque strings.

Why not UUIDs or serials: serials leak growth and invite enumeration; UUID4s
scatter B-tree inserts. A snowflake is a bigint (small indexes), sorts by
creation time (so cursor pagination on the id is chronological) and carries
no count. Layout: 41 bits of milliseconds since 2025-01-01, 10 bits of node,
12 bits of per-node sequence, so one process never repeats an id.

Two processes must never share a node, so each process leases its node from
PostgreSQL before its first id: a session advisory lock `(NODE_LOCK_CLASS,
node)` held on a connection of its own. The lock ends when the process (or
its connection) ends, so a crashed process frees its node without any
expiry; a configured `SNOWFLAKE_NODE` is only the first node tried (all
`uvicorn --workers` share one environment). The lease connection is checked
every `LEASE_CHECK_S` seconds and a lost one is leased again; a forked child
leases its own.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections, models

logger = logging.getLogger(__name__)

NODE_LOCK_CLASS = 0x534E  # first key of the advisory lock pair: "SN"
LEASE_CHECK_S = 30.0

EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
_NODE_BITS = 10
_SEQ_BITS = 12
_SEQ_MASK = (1 << _SEQ_BITS) - 1


def _lease_node(preferred: int) -> tuple[int, Any]:
    """A node no other live process holds, and the connection that holds its lock."""
    params = connections["default"].get_connection_params()
    conn = psycopg.connect(**params, autocommit=True)
    try:
        held = {
            row[0]
            for row in conn.execute(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [NODE_LOCK_CLASS],
            )
        }
        size = 1 << _NODE_BITS
        for step in range(size):
            node = (preferred + step) % size
            if node in held:
                continue
            # Another process may take a free-looking node first: the try-lock decides.
            won = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", [NODE_LOCK_CLASS, node]).fetchone()
            if won is not None and won[0]:
                return node, conn
    except BaseException:
        conn.close()
        raise
    conn.close()
    raise RuntimeError(f"All {size} snowflake nodes are leased by live processes.")


class _Generator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._seq = 0
        self._node: int | None = None
        self._lease: Any = None
        self._checked_at = 0.0
        self._inherited: list[Any] = []

    def node(self) -> int:
        now = time.monotonic()
        if self._node is not None and (self._lease is None or now - self._checked_at < LEASE_CHECK_S):
            return self._node
        if self._node is not None:
            try:
                self._lease.execute("SELECT 1")
                self._checked_at = now
                return self._node
            except Exception:  # a lost lease connection means a lost lock
                logger.warning("snowflake node %s: lease connection lost; leasing again", self._node)
                self._lease, self._node = None, None
        configured = getattr(settings, "SNOWFLAKE_NODE", -1)
        preferred = configured if 0 <= configured < (1 << _NODE_BITS) else random.getrandbits(_NODE_BITS)
        if not getattr(settings, "SNOWFLAKE_LEASE", True):
            self._node = preferred
            return self._node
        try:
            self._node, self._lease = _lease_node(preferred)
        except psycopg.OperationalError as exc:
            # No database to lease from (e.g. `manage.py check` instantiating a model on a
            # build machine): an id made now cannot be stored there either. Not cached, so
            # the next id tries to lease again.
            logger.warning("snowflake node: no lease (%s); using %s for this id", exc, preferred)
            return preferred
        self._checked_at = now
        return self._node

    def forget_lease_after_fork(self) -> None:
        """In a forked child: the parent's lock is not ours; keep its connection object alive, unused."""
        if self._lease is not None:
            # Closing (or collecting) the inherited connection would end the parent's session.
            self._inherited.append(self._lease)
        self._lease = None
        self._node = None
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            now = int(time.time() * 1000) - EPOCH_MS
            if now <= self._last_ms:
                # Same millisecond, or the clock stepped back: keep counting from the last one.
                now = self._last_ms
                self._seq = (self._seq + 1) & _SEQ_MASK
                if self._seq == 0:
                    now += 1
            else:
                self._seq = 0
            self._last_ms = now
            return (now << (_NODE_BITS + _SEQ_BITS)) | (self.node() << _SEQ_BITS) | self._seq

    def block(self, count: int) -> list[int]:
        """Many ids at once, for bulk inserts."""
        return [self.next() for _ in range(count)]


_generator = _Generator()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_generator.forget_lease_after_fork)


def new_id() -> int:
    return _generator.next()


def new_ids(count: int) -> list[int]:
    return _generator.block(count)


def id_time_ms(value: int) -> int:
    """Unix milliseconds at which an id was made."""
    return (value >> (_NODE_BITS + _SEQ_BITS)) + EPOCH_MS


class SnowflakeField(models.BigIntegerField):
    """Primary key field whose default is a new snowflake id."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", new_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Field options pass through untyped

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs


# Longest id as text (63 bits is at most 19 digits); input serializers bound id fields by it.
ID_CHARS = 20


def parse_id(raw: object) -> int | None:
    """An id from a URL or body, or None when it is not one (callers answer 404)."""
    if isinstance(raw, int):
        return raw if 0 < raw < (1 << 63) else None
    if isinstance(raw, str) and raw.isdigit() and len(raw) <= 19:
        value = int(raw)
        return value if 0 < value < (1 << 63) else None
    return None
