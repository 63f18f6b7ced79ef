"""Storing and searching face embeddings in the likeness registry (pgvector HNSW).

Every search is one query against one partial HNSW index: the `registry` pool
(verified cameos + public figures) for outputs and enrolments, the `output`
pool (faces seen in generated videos) when a cameo is newly verified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, models
from django.db.backends.utils import CursorWrapper

from cameos.models import ArcFaceEmbedding, DlibFaceEmbedding, EmbeddingPool, SubjectKind

TABLES: dict[str, type[models.Model]] = {
    DlibFaceEmbedding.MODEL: DlibFaceEmbedding,
    ArcFaceEmbedding.MODEL: ArcFaceEmbedding,
}
# The operator each table's HNSW index serves: dlib is Euclidean, ArcFace cosine.
_OPERATOR = {DlibFaceEmbedding.MODEL: "<->", ArcFaceEmbedding.MODEL: "<=>"}


@dataclass(frozen=True)
class Hit:
    subject_kind: str
    subject_id: int
    distance: float


def table_for(embedding_model: str) -> type[models.Model]:
    try:
        return TABLES[embedding_model]
    except KeyError:
        raise ValueError(f"no registry table for embedding model {embedding_model!r}") from None


def store(
    *,
    embedding_model: str,
    pool: str,
    subject_kind: str,
    subject_id: int,
    vectors: Iterable[np.ndarray],
) -> int:
    table = table_for(embedding_model)
    rows = [
        table(
            pool=pool,
            subject_kind=subject_kind,
            subject_id=subject_id,
            embedding=np.asarray(v, dtype=np.float32),
        )
        for v in vectors
    ]
    table._default_manager.bulk_create(rows)
    return len(rows)


def erase(*, subject_kind: str, subject_ids: Iterable[int]) -> int:
    """Delete a subject's embeddings from every table (biometric data must not outlive its cameo)."""
    ids = list(subject_ids)
    deleted = 0
    for table in TABLES.values():
        deleted += table._default_manager.filter(subject_kind=subject_kind, subject_id__in=ids).delete()[0]
    return deleted


def nearest(
    *,
    embedding_model: str,
    pool: str,
    vector: np.ndarray,
    max_distance: float,
    limit: int = 5,
    exclude: tuple[str, int] | None = None,
) -> list[Hit]:
    """The closest subjects within `max_distance`, one query through the pool's HNSW index.

    `exclude` leaves out one subject (a cameo must not match itself).
    """
    table = table_for(embedding_model)
    op = _OPERATOR[embedding_model]
    literal = "[" + ",".join(f"{float(x):.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"
    # Distance filtering and exclusion happen outside the ORDER BY/LIMIT so the
    # planner keeps the HNSW index scan (a WHERE on distance would defeat it).
    inner_limit = limit + 8
    sql = (
        f"SELECT subject_kind, subject_id, distance FROM ("  # noqa: S608 - table/op from our own constants
        f" SELECT subject_kind, subject_id, embedding {op} %s::vector AS distance"
        f" FROM {table._meta.db_table} WHERE pool = %s"
        f" ORDER BY embedding {op} %s::vector LIMIT %s) AS near"
        " WHERE distance <= %s"
    )
    params: list[Any] = [literal, pool, literal, inner_limit, max_distance]
    if exclude is not None:
        sql += " AND NOT (subject_kind = %s AND subject_id = %s)"
        params += [exclude[0], exclude[1]]
    sql += " ORDER BY distance LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        set_ef_search(cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Hit(subject_kind=k, subject_id=int(i), distance=float(d)) for k, i, d in rows]


def set_ef_search(cursor: CursorWrapper, value: int | None = None) -> None:
    """hnsw.ef_search for this transaction (or session when in autocommit)."""
    ef = int(value or settings.CAMEOS_HNSW_EF_SEARCH)
    local = "LOCAL " if not connection.get_autocommit() else ""
    cursor.execute(f"SET {local}hnsw.ef_search = {ef}")


__all__ = ["TABLES", "EmbeddingPool", "Hit", "SubjectKind", "erase", "nearest", "store", "table_for"]


def matches(
    backend: Any, *, pool: str, vector: np.ndarray, limit: int = 5, exclude: tuple[str, int] | None = None
) -> list[Hit]:
    """`nearest` under a face backend's own embedding model and match distance: the faces that are this face."""
    return nearest(
        embedding_model=backend.embedding_model,
        pool=pool,
        vector=vector,
        max_distance=backend.match_distance,
        limit=limit,
        exclude=exclude,
    )
