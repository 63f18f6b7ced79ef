"""Stored lineage counters: ancestors' descendant counts and parents' remix counts."""

from __future__ import annotations

from collections import Counter

from django.db import connection

from feed.models import path_ids


def lineage_counts_adjust(moves: list[tuple[str, int]]) -> None:
    """Move ancestors' descendant counts (and parents' remix counts) for posts entering or
    leaving the published set: `moves` is (path, +1 | -1) per post. One UPDATE."""
    descendants: Counter[int] = Counter()
    direct: Counter[int] = Counter()
    for path, delta in moves:
        ancestors = path_ids(path)[:-1]
        for ancestor in ancestors:
            descendants[ancestor] += delta
        if ancestors:
            direct[ancestors[-1]] += delta
    ids = sorted(set(descendants) | set(direct))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feed_post p SET descendant_count = GREATEST(0, p.descendant_count + d.n),"
            " remix_count = GREATEST(0, p.remix_count + d.r)"
            " FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS d(id, n, r) WHERE p.id = d.id",
            [ids, [descendants[i] for i in ids], [direct[i] for i in ids]],
        )
