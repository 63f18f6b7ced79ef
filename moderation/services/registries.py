"""The registries' invalidation and bulk switches (`registry_changed`, `registry_set_active`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connections, transaction

from moderation.selectors import registries

logger = logging.getLogger(__name__)


def _bump_version() -> None:
    registries.pending.atomic = None
    try:
        cache.set(registries.VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the snapshots age out instead (selectors.registries.MAX_AGE_S)
        logger.warning("registry version not bumped: the cache is unavailable", exc_info=True)


def registry_changed(*, using: str = "default") -> None:
    """A public-figure or rights-holder row was saved or deleted: every process reloads after commit.

    Until then the writing transaction reads its own rows fresh (the version
    is not bumped before commit, so other processes never cache rows that may
    roll back)."""
    conn = connections[using]
    if conn.in_atomic_block:
        registries.pending.atomic = conn.atomic_blocks[0]
    transaction.on_commit(_bump_version, using=using)


@transaction.atomic
def registry_set_active(*, entries: Iterable[Any], active: bool) -> int:
    """Switch registry rows on or off, one save each so the receivers see every change; returns how many changed."""
    changed = 0
    for entry in entries:
        if entry.active != active:
            entry.active = active
            entry.save(update_fields=["active", "updated_at"])
            changed += 1
    return changed
