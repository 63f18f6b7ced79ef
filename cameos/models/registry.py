"""The likeness registry: face embeddings in pgvector, one table per face model.

Dimensions and metrics never mix: dlib's 128-d descriptors (Euclidean) and
ArcFace's 512-d embeddings (cosine) live in separate tables. Each table holds
two pools behind two partial HNSW indexes:

- `registry`: verified cameos and protected public figures, searched for every
  face in every output and at every enrolment;
- `output`: faces seen in generated videos, searched when a new cameo is
  verified, so a person who joins later finds videos already carrying them.

Partial indexes keep each search inside one pool without post-filtering the
HNSW candidates (which would cost recall).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex, VectorField

from cameos.models.cameo import biometric_storage
from sora_social.common.ids import SnowflakeField


class EmbeddingPool(models.TextChoices):
    REGISTRY = "registry"
    OUTPUT = "output"


class SubjectKind(models.TextChoices):
    CAMEO = "cameo"
    PUBLIC_FIGURE = "public_figure"
    GENERATION = "generation"
    POST = "post"


class FaceEmbeddingBase(models.Model):
    id = SnowflakeField()
    pool = models.CharField(max_length=8, choices=EmbeddingPool.choices)
    subject_kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    subject_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pool} {self.subject_kind} {self.subject_id}"


# HNSW parameters: m=16 / ef_construction=64 reach recall@1 >= 0.99 on 1M
# face-like vectors at ef_search 100 with p99 under 20 ms (docs/BENCHMARKS.md);
# larger values cost build time (~10 min for 1M on 2 cores).
_HNSW = {"m": 16, "ef_construction": 64}


def _pool_indexes(prefix: str, opclass: str) -> list[models.Index]:
    """One partial HNSW index per pool (see the module docstring), and the subject lookup."""
    hnsw: list[models.Index] = [
        HnswIndex(
            name=f"cameos_{prefix}_{pool}_hnsw",
            fields=["embedding"],
            opclasses=[opclass],
            condition=Q(pool=pool),
            **_HNSW,
        )
        for pool in (EmbeddingPool.REGISTRY.value, EmbeddingPool.OUTPUT.value)
    ]
    return [*hnsw, models.Index(fields=["subject_kind", "subject_id"], name=f"cameos_{prefix}_subject")]


class DlibFaceEmbedding(FaceEmbeddingBase):
    """dlib ResNet face descriptors: 128-d, compared by Euclidean distance."""

    MODEL = "dlib_128"
    DIM = 128
    embedding = VectorField(dimensions=128)

    class Meta:
        db_table = "cameos_face_dlib128"
        indexes = _pool_indexes("dlib", "vector_l2_ops")


class ArcFaceEmbedding(FaceEmbeddingBase):
    """ArcFace embeddings (insightface backend): 512-d, compared by cosine distance."""

    MODEL = "arcface_512"
    DIM = 512
    embedding = VectorField(dimensions=512)

    class Meta:
        db_table = "cameos_face_arcface512"
        indexes = _pool_indexes("arc", "vector_cosine_ops")


def public_figure_photo_path(instance: PublicFigure, filename: str) -> str:
    return f"public_figures/{secrets.token_urlsafe(18)}/photo{filename[filename.rfind('.') :].lower()[:8]}"


class PublicFigure(models.Model):
    """A protected person in the staff-managed gallery; never castable, never enrollable."""

    id = SnowflakeField()
    name = models.CharField(max_length=128)
    photo = models.FileField(upload_to=public_figure_photo_path, storage=biometric_storage, max_length=200)
    active = models.BooleanField(default=True)
    embedding_model = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cameos_public_figure"

    def __str__(self) -> str:
        return self.name
