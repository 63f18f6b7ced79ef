"""Cameos: likeness search over ≥1M embeddings (HNSW vs exact scan), dlib time per frame,
and removing a cameo's 100,000 appearances set-based vs a per-row loop.

Synthetic embeddings are 128-d like dlib's: identities whose centres lie ~0.8
apart on average (the mean different-person distance measured on the shipped
photos), each stored as 5 samples ~0.3 from each other (the same-person spread
measured under pose warps). Queries are fresh samples of
stored identities: what the registry sees when a known face shows up again.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from django.db import connection, transaction

DIM = 128
PER_IDENTITY = 5
TABLE = "cameos_face_dlib128"
INDEX = "cameos_dlib_registry_hnsw"
M, EF_CONSTRUCTION = 16, 64
LATENT = 24
CHUNK = 20_000
SAMPLE_SIGMA = 0.3 / np.sqrt(2 * DIM)


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def _centres(identities: int, rng: np.random.Generator) -> np.ndarray:
    """Identity centres: a 24-d latent space spread into 128-d, plus a small isotropic part.

    Isotropic 128-d noise would put every identity at almost exactly the same
    distance from every other (concentration of measure), which no face model
    produces: real descriptors vary along a few dozen directions (age, sex,
    ancestry, facial geometry). Pairwise distances here span roughly
    0.5-1.1 around a mean of 0.8, like the pairs measured on the shipped photos.
    """
    basis, _ = np.linalg.qr(np.random.default_rng(11).normal(size=(DIM, LATENT)))
    latent = rng.normal(0, 0.75 / np.sqrt(2 * LATENT), (identities, LATENT))
    residual = rng.normal(0, 0.25 / np.sqrt(2 * DIM), (identities, DIM))
    return (latent @ basis.T + residual).astype(np.float32)


def _fill(rows: int, rng: np.random.Generator) -> np.ndarray:
    """Insert `rows` embeddings with binary COPY (set-based); returns the identity centres."""
    from pgvector.psycopg import register_vector

    centres = _centres(rows // PER_IDENTITY, rng)
    register_vector(connection.connection)
    next_id = 1
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(f"TRUNCATE {TABLE}")
        with (
            cursor.connection.cursor() as raw,
            raw.copy(
                f"COPY {TABLE} (id, pool, subject_kind, subject_id, embedding, created_at) FROM STDIN WITH (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["int8", "text", "text", "int8", "vector", "timestamptz"])
            now = time.strftime("%Y-%m-%d %H:%M:%S+00")
            import datetime as dt

            stamp = dt.datetime.fromisoformat(now.replace("+00", "+00:00"))
            for start in range(0, len(centres), CHUNK // PER_IDENTITY):
                block = centres[start : start + CHUNK // PER_IDENTITY]
                samples = np.repeat(block, PER_IDENTITY, axis=0) + rng.normal(
                    0, SAMPLE_SIGMA, (len(block) * PER_IDENTITY, DIM)
                ).astype(np.float32)
                for i, vector in enumerate(samples):
                    copy.write_row(
                        (next_id, "registry", "cameo", start + i // PER_IDENTITY + 1, vector, stamp)
                    )
                    next_id += 1
    return centres


def _first_row(rows: int) -> np.ndarray:
    """The first vector `_fill` writes, to recognise a table made by this generator."""
    rng = np.random.default_rng(5)
    centres = _centres(rows // PER_IDENTITY, rng)
    return centres[0] + rng.normal(0, SAMPLE_SIGMA, (CHUNK, DIM)).astype(np.float32)[0]


def _parse(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.strip("[]").split(",")], dtype=np.float32)


def _build_index() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '2GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 1")
        cursor.execute(
            f"CREATE INDEX {INDEX} ON {TABLE} USING hnsw (embedding vector_l2_ops) "
            f"WITH (m = {M}, ef_construction = {EF_CONSTRUCTION}) WHERE pool = 'registry'"
        )
        cursor.execute(f"ANALYZE {TABLE}")
        elapsed = time.perf_counter() - started
        # Remembered on the index, so a later run that reuses it can still report it.
        cursor.execute(f"COMMENT ON INDEX {INDEX} IS %s", [f"bench build seconds: {elapsed:.0f}"])
    return elapsed


def _exact(vector: np.ndarray) -> tuple[int, float]:
    literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        started = time.perf_counter()
        cursor.execute(
            f"SELECT subject_id FROM {TABLE} WHERE pool = 'registry' ORDER BY embedding <-> %s::vector LIMIT 1",
            [literal],
        )
        row = cursor.fetchone()
        return int(row[0]), time.perf_counter() - started


def _hnsw(vector: np.ndarray, ef: int) -> tuple[int | None, float]:
    """The production path: `registry.nearest` (ef_search SET + one index query)."""
    from django.test.utils import override_settings

    from cameos import registry

    with override_settings(CAMEOS_HNSW_EF_SEARCH=ef):
        started = time.perf_counter()
        hits = registry.nearest(
            embedding_model="dlib_128", pool="registry", vector=vector, max_distance=10.0, limit=1
        )
        elapsed = time.perf_counter() - started
    return (hits[0].subject_id if hits else None), elapsed


def bench_search(args: argparse.Namespace) -> list[str]:
    rows = 100_000 if args.quick else 1_000_000
    rng = np.random.default_rng(5)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE pool = 'registry' AND subject_kind = 'cameo'")
        have = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [INDEX])
        indexed = cursor.fetchone() is not None
        cursor.execute(f"SELECT embedding::text FROM {TABLE} WHERE id = 1")
        first = cursor.fetchone()
    # Reuse an earlier run's table only if it was made the same way (size, generator, index).
    reusable = (
        have == rows and indexed and first is not None and np.allclose(_parse(first[0]), _first_row(rows))
    )
    started = time.perf_counter()
    centres = None if reusable else _fill(rows, rng)
    fill_s = time.perf_counter() - started
    if centres is None:
        # Reuse a previous run's table and index (same seed): regenerate only the centres.
        centres = _centres(rows // PER_IDENTITY, rng)
        with connection.cursor() as cursor:
            cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [INDEX])
            note = cursor.fetchone()[0] or ""
        build_s = float(note.rsplit(":", 1)[1]) if note.startswith("bench build seconds:") else None
    else:
        build_s = _build_index()
    load_before = os.getloadavg()[0]
    queries_n, exact_n = (300, 100) if args.quick else (1000, 300)
    # Queries from their own seed: the same queries whether the table was just built or reused.
    qrng = np.random.default_rng(6)
    picks = qrng.integers(0, len(centres), queries_n)
    queries = centres[picks] + qrng.normal(0, SAMPLE_SIGMA, (queries_n, DIM)).astype(np.float32)
    for q in queries[:20]:  # warm the index pages
        _hnsw(q, 64)
    exact_ids, exact_times = [], []
    for q in queries[:exact_n]:
        found, elapsed = _exact(q)
        exact_ids.append(found)
        exact_times.append(elapsed)
    lines = [
        "### Likeness search (pgvector HNSW, dlib 128-d)",
        "",
        f"{rows:,} synthetic embeddings ({rows // PER_IDENTITY:,} identities × {PER_IDENTITY}); "
        f"HNSW m={M}, ef_construction={EF_CONSTRUCTION}; partial index on the registry pool. "
        + (
            f"Loaded by binary COPY in {fill_s:.0f} s; index built in {build_s:.0f} s "
            "(maintenance_work_mem 2GB, 1 parallel worker)."
            if not reusable
            else "Table and index reused from an earlier run with the same generator"
            + (f" (its index build took {build_s:.0f} s)." if build_s else ".")
        ),
        "",
        f"Latency over {queries_n} queries through `registry.nearest` (the production path); "
        f"recall@1 against an exact sequential scan of the same {exact_n} queries.",
        "",
        "| search | ef_search | p50 | p99 | recall@1 |",
        "| --- | --- | --- | --- | --- |",
        f"| exact scan | — | {_percentile(exact_times, 50):.1f} ms | {_percentile(exact_times, 99):.1f} ms | 1.000 |",
    ]
    for ef in (64, 100, 128):
        found, times = [], []
        for q in queries:
            hit, elapsed = _hnsw(q, ef)
            found.append(hit)
            times.append(elapsed)
        recall = float(np.mean([a == b for a, b in zip(found[:exact_n], exact_ids, strict=True)]))
        lines.append(
            f"| HNSW | {ef} | {_percentile(times, 50):.2f} ms | {_percentile(times, 99):.2f} ms | {recall:.3f} |"
        )
    lines += [
        "",
        f"Load average (1 min) on this 2-core machine, shared with other work: {load_before:.1f} before the "
        f"queries, {os.getloadavg()[0]:.1f} after; tail latencies move with it.",
    ]
    return lines


def bench_dlib(args: argparse.Namespace) -> list[str]:
    from cameos.faces.dlib_backend import DlibBackend
    from tests.cameos import media

    backend = DlibBackend()
    small = media.compose(media.face_portrait(0))
    big = np.full((1280, 720, 3), 90, dtype=np.uint8)
    big[500:740, 240:480] = media.face_portrait(0)
    lines = [
        "### dlib face pipeline per frame",
        "",
        "| frame | detect | detect + landmarks + embed |",
        "| --- | --- | --- |",
    ]
    n = 5 if args.quick else 20
    for name, frame in (("320×320 (enrolment sample)", small), ("720×1280 (9:16 output)", big)):
        backend.detect(frame)
        started = time.perf_counter()
        for _ in range(n):
            faces = backend.detect(frame)
        detect = (time.perf_counter() - started) / n
        started = time.perf_counter()
        for _ in range(n):
            faces = backend.detect(frame)
            backend.embed(frame, faces[0])
        full = (time.perf_counter() - started) / n
        lines.append(f"| {name} | {detect * 1000:.0f} ms | {full * 1000:.0f} ms |")
    lines += [
        "",
        f"Upsampling {backend.upsample}× (finds faces down to ~40 px); mean of {n} runs, one thread.",
    ]
    return lines


def bench_removal(args: argparse.Namespace) -> list[str]:
    from cameos import signals
    from cameos.models import Appearance, Cameo
    from cameos.services.appearances import remove_appearances
    from sora_social.accounts.models import User
    from sora_social.common.ids import new_ids

    count = 10_000 if args.quick else 100_000
    owner, _ = User.objects.get_or_create(username="bench-cameo-owner")
    Cameo.objects.filter(owner=owner).delete()
    cameo = Cameo.objects.create(owner=owner, state="verified")
    heard = {"signals": 0, "ids": 0}

    def receiver(sender, *, object_ids, **kwargs):
        heard["signals"] += 1
        heard["ids"] += len(object_ids)

    def seed(n: int) -> None:
        Appearance.objects.filter(cameo=cameo).delete()
        ids = new_ids(n)
        Appearance.objects.bulk_create(
            [
                Appearance(
                    id=i, cameo=cameo, kind="post" if k % 3 else "generation", object_id=k + 1, source="cast"
                )
                for k, i in enumerate(ids)
            ],
            batch_size=10_000,
        )

    signals.appearance_removed.connect(receiver)
    try:
        seed(count)
        started = time.perf_counter()
        with transaction.atomic():
            removed = remove_appearances(
                cameo_id=cameo.pk, appearances=Appearance.objects.filter(cameo_id=cameo.pk)
            )
        set_based = time.perf_counter() - started
        assert removed == count
        assert heard["ids"] == count
        sample = count // 10
        seed(sample)
        from django.utils import timezone

        started = time.perf_counter()
        with transaction.atomic():
            # The naive version: one UPDATE and one signal per appearance.
            for appearance in Appearance.objects.filter(cameo=cameo, state="active"):
                appearance.state = "removed"
                appearance.removed_at = timezone.now()
                appearance.save(update_fields=["state", "removed_at"])
                signals.appearance_removed.send(
                    sender=Appearance,
                    cameo_id=cameo.pk,
                    kind=appearance.kind,
                    object_ids=[appearance.object_id],
                )
        loop = (time.perf_counter() - started) * (count / sample)
    finally:
        signals.appearance_removed.disconnect(receiver)
        cameo.delete()
    return [
        "### Removing every appearance of a cameo",
        "",
        "| appearances | set-based (one UPDATE … RETURNING, one signal per kind) | "
        f"per-row loop (sampled {sample:,}, scaled) | ratio loop ÷ set |",
        "| --- | --- | --- | --- |",
        f"| {count:,} | {set_based:.2f} s | {loop:.1f} s | {loop / set_based:.0f}× |",
    ]


def run(args: argparse.Namespace) -> str:
    parts = ["## Cameos", ""]
    parts += [*bench_dlib(args), ""]
    parts += [*bench_removal(args), ""]
    parts += bench_search(args)
    return "\n".join(parts)
