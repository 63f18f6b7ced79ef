"""Cameos fixtures: the real dlib face model, faces in the registry, a temp media root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.cameos import media


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Recordings and reference crops land in a per-test directory (deletion is checked on disk)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="session")
def dlib_backend() -> Any:
    from cameos.faces import get_backend, reset_backend

    reset_backend()
    return get_backend()


@pytest.fixture
def embedding_of(dlib_backend: Any) -> Callable[..., np.ndarray]:
    """The dlib embedding of a person's portrait (0-5 from t1.jpg, or "hanks"), optionally warped."""

    def embed(person: int | str, *, yaw: float = 0.0) -> np.ndarray:
        frame = media.compose(media.foreshorten(media.face_portrait(person), yaw=yaw))
        faces = dlib_backend.detect(frame)
        assert faces, f"no face found for {person}"
        return dlib_backend.embed(frame, faces[0])

    return embed


@pytest.fixture
def enrol_face(embedding_of: Callable[..., np.ndarray]) -> Callable[..., Any]:
    """Put a verified cameo's face (a real photo) into the registry, as enrolment would."""
    from cameos import registry
    from cameos.models import EmbeddingPool, SubjectKind

    def enrol(cameo: Any, person: int | str) -> Any:
        registry.store(
            embedding_model="dlib_128",
            pool=EmbeddingPool.REGISTRY,
            subject_kind=SubjectKind.CAMEO,
            subject_id=cameo.pk,
            vectors=[embedding_of(person)],
        )
        return cameo

    return enrol
