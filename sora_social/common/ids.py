"""Time-ordered 63-bit ids ("snowflakes"), shown to clients as opaque strings.

Why not UUIDs or serials: serials leak growth and invite enumeration; UUID4s
scatter B-tree inserts. A snowflake is a bigint (small indexes), sorts by
creation time (so cursor pagination on the id is chronological) and carries
no count. Layout: 41 bits of milliseconds since 2025-01-01, 10 bits of node,
12 bits of per-node sequence, so one process never repeats an id.
"""

from __future__ import annotations

import random
import threading
import time

from django.conf import settings
from django.db import models

EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
_NODE_BITS = 10
_SEQ_BITS = 12
_SEQ_MASK = (1 << _SEQ_BITS) - 1


class _Generator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._seq = 0
        self._node: int | None = None

    def node(self) -> int:
        if self._node is None:
            configured = getattr(settings, "SNOWFLAKE_NODE", -1)
            self._node = configured if 0 <= configured < (1 << _NODE_BITS) else random.getrandbits(_NODE_BITS)
        return self._node

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
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def deconstruct(self) -> tuple:  # type: ignore[type-arg]
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
