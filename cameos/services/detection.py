"""Likeness detection, generation's contract: which cameos and public figures a video's frames carry."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import transaction

from cameos import registry
from cameos.faces import Face
from cameos.likeness import LikenessReport, analyse_frames, detect_faces
from cameos.models import SubjectKind


def detect_likeness(*, frames: list[np.ndarray], subject: tuple[str, int] | None = None) -> LikenessReport:
    """Which verified cameos and protected public figures appear in `frames` (HxWx3 uint8 RGB).

    With `subject` ("generation" | "post", id) the output's face embeddings are
    kept, so a person who enrols later finds this video. Returns a
    `cameos.likeness.LikenessReport` (`.cameos`, `.public_figures`: the best
    match per subject with distance, score, frame and box).
    """
    if subject is not None and subject[0] not in (SubjectKind.GENERATION, SubjectKind.POST):
        raise ValueError("subject kind must be 'generation' or 'post'")
    with transaction.atomic():
        return analyse_frames(frames, store_as=subject)


def face_detect(*, image: np.ndarray) -> list[Face]:
    """Faces in one image (boxes, landmarks, scores), largest first."""
    return detect_faces(image)


def output_faces_erase(*, kind: str, object_ids: Iterable[int]) -> int:
    """Forget the stored output faces of deleted generations or posts."""
    return registry.erase(subject_kind=kind, subject_ids=object_ids)
