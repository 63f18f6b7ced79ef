"""Likeness detection: faces in frames → embeddings → the registry.

Used by generation's output check (through `cameos.services.detect_likeness`)
and by enrolment. Worker code path only: it loads the face model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cameos import registry
from cameos.faces import Face, get_backend
from cameos.models import EmbeddingPool, SubjectKind


@dataclass(frozen=True)
class LikenessMatch:
    kind: str  # "cameo" | "public_figure"
    subject_id: int
    distance: float
    frame: int
    box: tuple[float, float, float, float]

    @property
    def score(self) -> float:
        """Similarity in [0, 1] for display: 1 - distance / (2 × threshold), clipped."""
        threshold = get_backend().match_distance
        return float(np.clip(1 - self.distance / (2 * threshold), 0, 1))


@dataclass
class LikenessReport:
    faces: int = 0
    matches: list[LikenessMatch] = field(default_factory=list)

    def best(self, kind: str) -> dict[int, LikenessMatch]:
        """The closest match per subject of one kind."""
        out: dict[int, LikenessMatch] = {}
        for match in self.matches:
            if match.kind == kind and (
                match.subject_id not in out or match.distance < out[match.subject_id].distance
            ):
                out[match.subject_id] = match
        return out

    @property
    def cameos(self) -> dict[int, LikenessMatch]:
        return self.best(SubjectKind.CAMEO)

    @property
    def public_figures(self) -> dict[int, LikenessMatch]:
        return self.best(SubjectKind.PUBLIC_FIGURE)


def analyse_frames(
    frames: list[np.ndarray], *, store_as: tuple[str, int] | None = None, min_face: int = 40
) -> LikenessReport:
    backend = get_backend()
    report = LikenessReport()
    embeddings: list[np.ndarray] = []
    for index, frame in enumerate(frames):
        for face in backend.detect(frame):
            if min(face.box[2] - face.box[0], face.box[3] - face.box[1]) < min_face:
                continue
            report.faces += 1
            vector = backend.embed(frame, face)
            embeddings.append(vector)
            for hit in registry.matches(backend, pool=EmbeddingPool.REGISTRY, vector=vector, limit=3):
                report.matches.append(
                    LikenessMatch(
                        kind=hit.subject_kind,
                        subject_id=hit.subject_id,
                        distance=hit.distance,
                        frame=index,
                        box=face.box,
                    )
                )
    if store_as is not None and embeddings:
        registry.store(
            embedding_model=backend.embedding_model,
            pool=EmbeddingPool.OUTPUT,
            subject_kind=store_as[0],
            subject_id=store_as[1],
            vectors=_distinct(embeddings, backend.distance, backend.match_distance / 2),
        )
    return report


def _distinct(vectors: list[np.ndarray], distance: Callable, radius: float) -> list[np.ndarray]:
    """One embedding per distinct face: the same face in 30 frames needs one row, not 30."""
    kept: list[np.ndarray] = []
    for v in vectors:
        if all(distance(v, k) > radius for k in kept):
            kept.append(v)
    return kept


def detect_faces(image: np.ndarray) -> list[Face]:
    return get_backend().detect(image)
