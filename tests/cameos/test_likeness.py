"""Likeness detection with the real dlib model on real photos: cameos, public figures, output faces."""

from __future__ import annotations

import numpy as np
import pytest

from cameos import registry, services
from cameos.models import DlibFaceEmbedding, EmbeddingPool, SubjectKind
from cameos.services import verification
from tests.cameos import media
from tests.cameos.factories import CameoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


def frames_of(person, n=2):
    return [media.compose(media.foreshorten(media.face_portrait(person), yaw=0.1 * i)) for i in range(n)]


def test_face_detect_finds_the_six_people_in_t1(dlib_backend):
    """face_detect finds all six faces in t1.jpg, each with a box and five landmarks inside it."""
    faces = services.face_detect(image=media.photo("t1.jpg"))
    assert len(faces) == 6
    for face in faces:
        x0, _y0, x1, _y1 = face.box
        assert face.landmarks.shape == (5, 2)
        assert (face.landmarks[:, 0] >= x0 - 5).all()
        assert (face.landmarks[:, 0] <= x1 + 5).all()


def test_face_detect_finds_nothing_in_a_faceless_image(dlib_backend):
    """A picture with no person gives no faces (generation may accept it)."""
    image = np.zeros((240, 320, 3), dtype=np.uint8)
    image[:, :160] = (30, 120, 200)
    assert services.face_detect(image=image) == []


def test_detects_the_verified_cameo_in_frames(enrol_face):
    """Frames showing an enrolled person report that cameo, with a distance under the threshold."""
    cameo = enrol_face(CameoFactory(), 0)
    enrol_face(CameoFactory(), 3)
    report = services.detect_likeness(frames=frames_of(0))
    assert set(report.cameos) == {cameo.pk}
    match = report.cameos[cameo.pk]
    assert match.distance < 0.55
    assert 0 < match.score <= 1
    assert len(match.box) == 4
    assert report.public_figures == {}


def test_someone_unknown_matches_nobody(enrol_face):
    """A face that is not in the registry is a face, but not a match."""
    enrol_face(CameoFactory(), 0)
    report = services.detect_likeness(frames=frames_of(5))
    assert report.faces == 2
    assert report.matches == []


def test_detects_a_public_figure(dlib_backend):
    """A gallery photo of Tom Hanks makes his face in an output a public-figure match."""
    from django.core.files.base import ContentFile

    figure = services.public_figure_add(
        name="Tom Hanks", photo=ContentFile(media.png_bytes("hanks"), name="hanks.png")
    )
    report = services.detect_likeness(frames=frames_of("hanks"))
    assert set(report.public_figures) == {figure.pk}
    assert report.cameos == {}


def test_output_faces_are_stored_for_later_enrolments(dlib_backend):
    """With a subject, a face seen in many frames is kept once, in the output pool, not in the registry."""
    services.detect_likeness(frames=frames_of(2, n=1) * 4, subject=("generation", 42))
    rows = DlibFaceEmbedding.objects.filter(subject_kind=SubjectKind.GENERATION, subject_id=42)
    assert rows.count() == 1
    assert rows.get().pool == EmbeddingPool.OUTPUT
    # The registry search never returns output faces.
    report = services.detect_likeness(frames=frames_of(2))
    assert report.matches == []


def test_registry_search_excludes_and_limits_by_distance(embedding_of):
    """nearest() returns only subjects within the distance, closest first, minus the excluded one."""
    for subject_id, person in ((1, 0), (2, 3)):
        registry.store(
            embedding_model="dlib_128",
            pool="registry",
            subject_kind="cameo",
            subject_id=subject_id,
            vectors=[embedding_of(person)],
        )
    probe = embedding_of(0, yaw=0.2)
    hits = registry.nearest(embedding_model="dlib_128", pool="registry", vector=probe, max_distance=0.55)
    assert [h.subject_id for h in hits] == [1]
    assert (
        registry.nearest(
            embedding_model="dlib_128", pool="registry", vector=probe, max_distance=0.55, exclude=("cameo", 1)
        )
        == []
    )
    everything = registry.nearest(embedding_model="dlib_128", pool="registry", vector=probe, max_distance=9)
    assert [h.subject_id for h in everything] == [1, 2]
    assert everything[0].distance < everything[1].distance


def test_registry_search_uses_the_hnsw_index(embedding_of):
    """The likeness query's plan is an HNSW index scan on the pool's partial index."""
    from django.db import connection

    vector = embedding_of(0)
    literal = "[" + ",".join(str(float(x)) for x in vector) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT subject_id FROM cameos_face_dlib128 WHERE pool = 'registry' "
            "ORDER BY embedding <-> %s::vector LIMIT 5",
            [literal],
        )
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "cameos_dlib_registry_hnsw" in plan, plan


def test_reference_image_round_trip(dlib_backend):
    """cameo_reference_image returns the stored aligned crop as an RGB array; unverified cameos are not found."""
    from django.core.files.base import ContentFile

    from cameos import selectors
    from sora_social.common.errors import NotFound

    frame = media.compose(media.face_portrait(0))
    chip = dlib_backend.align(frame, dlib_backend.detect(frame)[0])
    cameo = CameoFactory()
    cameo.reference_image.save("reference.png", ContentFile(verification._png(chip)))
    image = selectors.cameo_reference_image(cameo_id=cameo.pk)
    assert image.shape == (150, 150, 3)
    assert image.dtype == np.uint8
    assert np.array_equal(image, chip)
    pending = CameoFactory(state="processing")
    with pytest.raises(NotFound):
        selectors.cameo_reference_image(cameo_id=pending.pk)
