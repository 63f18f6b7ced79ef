"""The dlib threshold separates same-person from different-person distances on the shipped photos."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cameos import media

pytestmark = pytest.mark.ml

PEOPLE = [0, 1, 2, 3, 4, 5, "hanks"]
# Same-person variations: head turns (foreshortening), shifts, scale, a 10% brightness change.
POSES = [(0.0, 0, 1.0), (-0.35, 0, 1.0), (0.35, 0, 1.0), (0.2, 12, 1.0), (0.0, -10, 0.8), (0.0, 0, 1.15)]


def _embeddings(backend):
    from PIL import Image

    out = {}
    for person in PEOPLE:
        vectors = []
        for yaw, shift, scale in POSES:
            portrait = media.face_portrait(person, size=int(240 * scale) // 2 * 2)
            frame = media.compose(media.foreshorten(portrait, yaw=yaw), dx=shift, dy=shift)
            if scale > 1:
                frame = np.asarray(Image.fromarray(frame).point(lambda v: min(255, int(v * 1.1))))
            faces = backend.detect(frame)
            if faces:
                vectors.append(backend.embed(frame, faces[0]))
        out[person] = vectors
    return out


def test_threshold_sits_between_measured_same_and_different_person_distances(dlib_backend, settings):
    """Against a frontal reference (what enrolment stores), every variant of the same person is under
    CAMEOS_DLIB_MATCH_DISTANCE and every other person is over it."""
    embeddings = _embeddings(dlib_backend)
    assert all(len(vs) == len(POSES) for vs in embeddings.values())
    same = [dlib_backend.distance(vs[0], v) for vs in embeddings.values() for v in vs[1:]]
    different = [
        dlib_backend.distance(embeddings[q][0], v)
        for p in PEOPLE
        for q in PEOPLE
        if p != q
        for v in embeddings[p]
    ]
    print(
        f"same: n={len(same)} mean={np.mean(same):.3f} max={max(same):.3f}; "
        f"different: n={len(different)} mean={np.mean(different):.3f} min={min(different):.3f}"
    )
    threshold = settings.CAMEOS_DLIB_MATCH_DISTANCE
    assert max(same) < threshold < min(different)
