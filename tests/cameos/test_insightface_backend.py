"""The insightface backend (SCRFD + ArcFace via onnxruntime) against small models with the same signatures."""

from __future__ import annotations

import numpy as np
import pytest

from cameos.faces.insightface_backend import ARCFACE_TEMPLATE, InsightFaceBackend, similarity_transform
from tests.cameos import media
from tests.cameos.onnx_models import KPS, build_pack

pytestmark = pytest.mark.ml


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return build_pack(tmp_path_factory.mktemp("insightface"))


@pytest.fixture
def backend(model_dir, settings):
    settings.CAMEOS_INSIGHTFACE_DET_SIZE = 128
    return InsightFaceBackend(model_dir=str(model_dir))


def squares(size, cells, cell=32):
    image = np.zeros((size, size, 3), dtype=np.uint8)
    for cx, cy in cells:
        image[cy * cell : (cy + 1) * cell, cx * cell : (cx + 1) * cell] = 255
    return image


def test_detects_each_square_once_with_box_and_landmarks(backend):
    """Two lit cells → two faces (NMS merges the two anchors); boxes are the cells, landmarks inside them."""
    faces = backend.detect(squares(128, [(2, 1), (0, 3)]))
    assert len(faces) == 2
    boxes = sorted(tuple(round(v) for v in f.box) for f in faces)
    assert boxes == [(0, 96, 32, 128), (64, 32, 96, 64)]
    face = next(f for f in faces if round(f.box[0]) == 64)
    expected = np.array([64, 32]) + np.array(KPS).reshape(5, 2) * 32
    assert np.allclose(face.landmarks, expected, atol=0.01)
    assert face.score > 0.99


def test_letterbox_scales_back_to_image_coordinates(backend):
    """A 256×256 image is detected at 128 and boxes come back in the image's own pixels."""
    faces = backend.detect(squares(256, [(2, 1)], cell=64))
    assert [tuple(round(v) for v in f.box) for f in faces] == [(128, 64, 192, 128)]


def test_nothing_detected_on_a_dark_image(backend):
    """No bright cell, no face."""
    assert backend.detect(np.zeros((128, 128, 3), dtype=np.uint8)) == []


def test_alignment_maps_landmarks_onto_the_arcface_template():
    """The similarity transform takes a rotated, scaled, shifted template back onto the template."""
    angle = np.deg2rad(20)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    points = (ARCFACE_TEMPLATE @ rotation.T) * 2.5 + np.array([40.0, 17.0])
    matrix = similarity_transform(points, ARCFACE_TEMPLATE)
    mapped = points @ matrix[:, :2].T + matrix[:, 2]
    assert np.allclose(mapped, ARCFACE_TEMPLATE, atol=1e-3)


def test_embeddings_are_normalised_and_distinguish_crops(backend):
    """Same face → distance 0; a different face (real photos) → a clearly larger cosine distance."""
    from cameos.faces.base import Face

    face = Face(box=(0, 0, 240, 240), landmarks=ARCFACE_TEMPLATE * (240 / 112))
    a = backend.embed(media.face_portrait(0), face)
    again = backend.embed(media.face_portrait(0), face)
    b = backend.embed(media.face_portrait(3), face)
    assert a.shape == (512,)
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-5)
    assert backend.distance(a, again) < 1e-6
    assert backend.distance(a, b) > 0.001
    assert backend.align(media.face_portrait(0), face).shape == (112, 112, 3)


def test_missing_model_files_are_a_clear_error(tmp_path):
    """A directory without the expected files fails at load, naming what is missing."""
    with pytest.raises(FileNotFoundError, match="det_"):
        InsightFaceBackend(model_dir=str(tmp_path))


@pytest.mark.django_db
def test_configured_backend_uses_its_own_registry_table(model_dir, settings):
    """With CAMEOS_FACE_BACKEND=insightface, likeness search stores and finds 512-d rows in the ArcFace table."""
    from cameos import services
    from cameos.faces import reset_backend
    from cameos.models import ArcFaceEmbedding, DlibFaceEmbedding

    settings.CAMEOS_FACE_BACKEND = "insightface"
    settings.CAMEOS_INSIGHTFACE_DIR = str(model_dir)
    settings.CAMEOS_INSIGHTFACE_DET_SIZE = 128
    reset_backend()
    try:
        frame = squares(256, [(1, 1)], cell=64)
        services.detect_likeness(frames=[frame], subject=("generation", 9))
        row = ArcFaceEmbedding.objects.get(subject_kind="generation", subject_id=9)
        assert len(row.embedding) == 512
        assert not DlibFaceEmbedding.objects.exists()
        from cameos import registry

        registry.store(
            embedding_model="arcface_512",
            pool="registry",
            subject_kind="cameo",
            subject_id=1,
            vectors=[row.embedding],
        )
        report = services.detect_likeness(frames=[frame])
        assert set(report.cameos) == {1}
        assert report.cameos[1].distance < 1e-5
    finally:
        reset_backend()
