"""Rights-holder entries for the embedding classifiers: descriptions (text) and reference images (CLIP).

The registry is read once per change (a count + last-update stamp), not per
check. Embeddings of the descriptions (text) and of the reference images
(CLIP) are computed by the classifier that owns the embedding space and cached
against the same stamp.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from moderation.classifiers.normalize import normalize
from moderation.models import RightsHolderEntry, RightsHolderImage


@dataclass(frozen=True)
class Entry:
    slug: str
    name: str
    choice: str
    needles: tuple[str, ...]
    description: str
    image_paths: tuple[str, ...] = field(default=())


_lock = threading.Lock()
_snapshot: tuple[tuple[Any, ...], list[Entry]] | None = None


def entries() -> tuple[tuple[Any, ...], list[Entry]]:
    """The active registry entries and a stamp that changes whenever they do."""
    global _snapshot
    stats = RightsHolderEntry.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    images = RightsHolderImage.objects.aggregate(n=Count("id"), last=Max("id"))
    stamp = (stats["n"], str(stats["last"]), images["n"], images["last"])
    with _lock:
        if _snapshot is not None and _snapshot[0] == stamp:
            return _snapshot
    paths: dict[int, list[str]] = {}
    for entry_id, name in RightsHolderImage.objects.values_list("entry_id", "image"):
        paths.setdefault(entry_id, []).append(name)
    loaded = [
        Entry(
            slug=row.slug,
            name=row.name,
            choice=row.choice,
            needles=tuple(normalize(n) for n in [row.name, *row.aliases] if n and n.strip()),
            description=row.description,
            image_paths=tuple(paths.get(row.id, [])),
        )
        for row in RightsHolderEntry.objects.filter(active=True).order_by("slug")
    ]
    with _lock:
        _snapshot = (stamp, loaded)
    return _snapshot


def match(entry: Entry, score: float, how: str) -> dict[str, Any]:
    return {"slug": entry.slug, "score": round(float(score), 4), "choice": entry.choice, "via": how}
