"""The public-figures and rights-holder registries as rows for the name matcher, cached per process.

`public_figure_rows()` and `rights_holder_rows()` return the ACTIVE rows in the
field format of `moderation/data/*.jsonl` (rights holders add `choice` and
`label_text`), ordered by slug. The rows are read from the database once per
registry change, not per prompt: each process keeps a snapshot stamped with
the registry version, a token in Django's cache that `services.registry_changed`
replaces on commit of every save or delete of a row (the post_save/post_delete
receivers in `moderation.receivers`). The steady state costs one cache read
and no query. Two fallbacks keep it correct when the version cannot tell:
- a transaction of this thread that wrote a registry row and is still open
  reads fresh rows every time and keeps none (they may roll back);
- a snapshot older than `MAX_AGE_S` is read again (writes that send no
  signal: queryset `.update()`, bulk loads, a lost cache write).

The rows are shared between callers: read them, do not change them. While a
snapshot holds, every call returns the same list object, so a caller that
builds an index from the rows (the name matcher) rebuilds it only when
`rows is not last_rows`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

from moderation.models import PublicFigureEntry, RightsHolderEntry

logger = logging.getLogger(__name__)

VERSION_KEY = "moderation:registries:version"
MAX_AGE_S = 600.0
FIGURE_FIELDS = ("slug", "name", "aliases", "kind", "country")
RIGHTS_FIELDS = ("slug", "name", "kind", "rights_holder", "aliases", "description", "choice", "label_text")

# Set by `services.registry_changed` to the outermost atomic block of the
# transaction that wrote a row; cleared when it commits.
pending = threading.local()

_lock = threading.Lock()
_snapshots: dict[str, tuple[str | None, float, list[dict[str, Any]]]] = {}


def _writing_here() -> bool:
    """This thread wrote a registry row in the transaction that is still open."""
    atomic = getattr(pending, "atomic", None)
    return atomic is not None and connection.in_atomic_block and connection.atomic_blocks[0] is atomic


def _version() -> str | None:
    try:
        return str(cache.get(VERSION_KEY, ""))
    except Exception:  # the cache is down: fall back on the snapshot's age
        logger.warning("registry version unreadable; using the cached rows until they age out", exc_info=True)
        return None


def _cached(name: str, load: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    if _writing_here():
        return load()
    version = _version()
    now = time.monotonic()
    with _lock:
        hit = _snapshots.get(name)
    if hit is not None and (version is None or hit[0] == version) and now - hit[1] < MAX_AGE_S:
        return hit[2]
    rows = load()
    with _lock:
        _snapshots[name] = (version, now, rows)
    return rows


def _figures() -> list[dict[str, Any]]:
    return list(PublicFigureEntry.objects.filter(active=True).order_by("slug").values(*FIGURE_FIELDS))


def _rights() -> list[dict[str, Any]]:
    return list(RightsHolderEntry.objects.filter(active=True).order_by("slug").values(*RIGHTS_FIELDS))


def public_figure_rows() -> list[dict[str, Any]]:
    """Active public figures: `slug`, `name`, `aliases`, `kind`, `country` (the JSONL format)."""
    return _cached("figures", _figures)


def rights_holder_rows() -> list[dict[str, Any]]:
    """Active rights-holder entries in the JSONL format, plus `choice` (block/label) and `label_text`."""
    return _cached("rights", _rights)


def forget_snapshots() -> None:
    """Drop this process's snapshots (tests; a deploy hook after a bulk load)."""
    with _lock:
        _snapshots.clear()
