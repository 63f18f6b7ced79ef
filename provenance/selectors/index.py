"""Reads of the hash index: candidates by Hamming distance (HNSW on bit(256)) and by audio keys.

Every read here is one statement whatever the number of query hashes: the
query's frame hashes travel as one array and each takes its nearest stored
frames through a LATERAL subquery the HNSW index answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from provenance import audio
from provenance.models import AudioKey, BankEntry, FrameHash, HashBank, MediaHash

NEIGHBOURS = 16  # stored frames each query frame takes from the index
EF_SEARCH = 64


@dataclass
class Stored:
    media_id: int
    kind: str
    object_id: int
    owner_id: int | None
    frames: dict[str, list[str]] = field(default_factory=dict)  # variant -> bit strings
    audio: np.ndarray | None = None


def frame_neighbours(bits: list[str], *, max_distance: int, kinds: tuple[str, ...]) -> dict[int, int]:
    """Media ids with a frame within `max_distance` of any query hash -> the best distance."""
    if not bits:
        return {}
    sql = f"""
        SELECT f.media_id, min(f.d) FROM unnest(%s::bit(256)[]) AS q(h)
        CROSS JOIN LATERAL (
            SELECT media_id, hash <~> q.h AS d FROM {FrameHash._meta.db_table}
            ORDER BY hash <~> q.h LIMIT {NEIGHBOURS}
        ) f
        JOIN {MediaHash._meta.db_table} m ON m.id = f.media_id
        WHERE f.d <= %s AND m.kind = ANY(%s)
        GROUP BY f.media_id
    """  # noqa: S608  (table names from our models; values are parameters)
    with connection.cursor() as cursor:
        # For this transaction, or the session in autocommit (SET LOCAL outside one is ignored).
        local = "LOCAL " if not connection.get_autocommit() else ""
        cursor.execute(f"SET {local}hnsw.ef_search = {EF_SEARCH}")
        cursor.execute(sql, [bits, max_distance, list(kinds)])
        return {int(m): int(d) for m, d in cursor.fetchall()}


def audio_neighbours(values: np.ndarray, *, kinds: tuple[str, ...], limit: int = 20) -> list[int]:
    """Media ids sharing the most exact sub-fingerprints with the query (at least 3)."""
    keys = audio.keys(values)
    if not keys:
        return []
    sql = f"""
        SELECT a.media_id FROM {AudioKey._meta.db_table} a
        JOIN {MediaHash._meta.db_table} m ON m.id = a.media_id
        WHERE a.value = ANY(%s) AND m.kind = ANY(%s)
        GROUP BY a.media_id HAVING count(*) >= 3 ORDER BY count(*) DESC LIMIT %s
    """  # noqa: S608  (table names from our models; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [keys, list(kinds), limit])
        return [int(row[0]) for row in cursor.fetchall()]


def stored_media(media_ids: list[int]) -> list[Stored]:
    """The candidates with their frame hashes and audio: two queries for any number."""
    rows = {
        m.id: Stored(
            media_id=m.id,
            kind=m.kind,
            object_id=m.object_id,
            owner_id=m.owner_id,
            audio=audio.from_bytes(bytes(m.audio)) if m.audio else None,
        )
        for m in MediaHash.objects.filter(pk__in=media_ids)
    }
    frames: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for media_id, variant, bits in (
        FrameHash.objects.filter(media_id__in=media_ids)
        .order_by("second")
        .values_list("media_id", "variant", "hash")
    ):
        frames[media_id][variant].append(bits)
    for media_id, stored in rows.items():
        stored.frames = dict(frames.get(media_id, {}))
    return list(rows.values())


def active_banks() -> list[HashBank]:
    return list(HashBank.objects.filter(active=True, is_negative=False).select_related("negative"))


def bank_entries(bank_ids: list[int]) -> list[BankEntry]:
    return list(BankEntry.objects.filter(bank_id__in=bank_ids).order_by("id"))
