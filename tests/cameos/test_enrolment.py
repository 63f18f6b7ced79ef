"""Enrolment: challenges, and the verdict on recordings the tests make from real face photos."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos import enrolment, services
from cameos.models import Appearance, CameoState, DlibFaceEmbedding
from sora_social.common.errors import ValidationFailed
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.cameos import media

pytestmark = [pytest.mark.django_db, pytest.mark.ml]

CHALLENGE = {
    "moves": ["left", "right", "left"],
    "phrase": "amber river copper bell",
    "phrase_window_s": [5.0, 8.0],
}


def judged(challenge=CHALLENGE, **kwargs):
    return enrolment.judge(enrolment.decode(media.enrolment_video(challenge, **kwargs)), challenge)


def enrol(person, *, owner=None, **kwargs):
    """Create a cameo, upload a recording performing its challenge, and run the worker step."""
    cameo = services.cameo_create(owner=owner or UserFactory())
    video = media.enrolment_video(cameo.challenge, person=person, **kwargs)
    services.cameo_attach_recording(cameo=cameo, upload=SimpleUploadedFile("me.mp4", video, "video/mp4"))
    return services.cameo_process_recording(cameo_id=cameo.pk)


def test_challenge_is_fresh_and_well_formed():
    """Each challenge has 2-3 alternating turns and a phrase window after them; two are rarely equal."""
    seen = set()
    for _ in range(20):
        challenge = enrolment.new_challenge()
        moves = challenge["moves"]
        assert 2 <= len(moves) <= 3
        assert all(a != b for a, b in itertools.pairwise(moves))
        start, end = challenge["phrase_window_s"]
        assert end - start == 3.0
        assert start > 1.5 * len(moves)
        seen.add((tuple(moves), challenge["phrase"]))
    assert len(seen) > 10


def test_a_live_recording_passes_every_check():
    """One person, turning as asked and speaking in the window: no reasons, embeddings and a crop."""
    verdict = judged(person=0)
    assert verdict.reasons == []
    assert len(verdict.embeddings) >= 20
    assert verdict.reference.shape == (150, 150, 3)


def test_two_different_faces_are_rejected():
    """A recording that switches to another person halfway is rejected as identity_changed."""
    assert "identity_changed" in judged(person=0, second_person=3).reasons


def test_no_head_movement_is_rejected():
    """A still face (a photo held up) does not perform the challenge."""
    assert judged(person=0, move=False).reasons == ["challenge_not_performed"]


def test_turns_in_the_wrong_order_are_rejected():
    """Performing left-right-left for a right-left-right challenge fails."""
    performed = media.enrolment_video(CHALLENGE, person=2)
    asked = {**CHALLENGE, "moves": ["right", "left", "right"]}
    assert enrolment.judge(enrolment.decode(performed), asked).reasons == ["challenge_not_performed"]


def test_silence_in_the_phrase_window_is_rejected():
    """No speech-level audio while the phrase should be said: no_speech."""
    assert judged(person=0, speak=False).reasons == ["no_speech"]


def test_speech_outside_the_window_does_not_count():
    """Talking before the window and silence during it is still no_speech."""
    recording = enrolment.decode(media.enrolment_video(CHALLENGE, person=0))
    assert enrolment.speech_in_window(recording, 5.0, 8.0)
    assert not enrolment.speech_in_window(recording, 0.5, 4.5)


def test_faceless_recording_is_rejected():
    """A recording with no face at all: no_face."""
    import numpy as np

    frames = [np.full((320, 320, 3), 80 + i, dtype=np.uint8) for i in range(40)]
    audio = media.speech_like(4.0, 16000, windows=[(0.5, 3.5)])
    recording = enrolment.decode(media.write_mp4(frames, audio))
    assert enrolment.judge(recording, CHALLENGE).reasons == ["no_face"]


def test_two_people_in_frame_are_rejected():
    """A second face of comparable size in frame: multiple_faces."""
    import numpy as np

    a, b = media.face_portrait(0, size=150), media.face_portrait(3, size=150)
    frame = np.full((320, 320, 3), 90, dtype=np.uint8)
    frame[80:230, 5:155] = a
    frame[80:230, 165:315] = b
    audio = media.speech_like(3.0, 16000, windows=[(0.5, 2.5)])
    recording = enrolment.decode(media.write_mp4([frame] * 30, audio))
    assert "multiple_faces" in enrolment.judge(recording, CHALLENGE).reasons


def test_verified_enrolment_stores_face_data_and_notifies():
    """A passing recording verifies the cameo: registry rows, reference crop, recording kept, owner notified."""
    cameo = enrol(0)
    assert cameo.state == CameoState.VERIFIED, cameo.reasons
    assert cameo.embedding_model == "dlib_128"
    rows = DlibFaceEmbedding.objects.filter(subject_kind="cameo", subject_id=cameo.pk, pool="registry")
    assert 1 <= rows.count() <= 5
    assert Path(cameo.reference_image.path).exists()
    assert Path(cameo.recording.path).exists()
    assert Notification.objects.filter(target_id=cameo.pk, kind="cameo.verified").exists()


def test_public_figure_is_rejected():
    """Someone enrolling with Tom Hanks's face (in the gallery) is rejected as public_figure; no face data kept."""
    services.public_figure_add(
        name="Tom Hanks", photo=ContentFile(media.png_bytes("hanks"), name="hanks.png")
    )
    cameo = enrol("hanks")
    assert cameo.state == CameoState.REJECTED
    assert cameo.reasons == ["public_figure"]
    assert not DlibFaceEmbedding.objects.filter(subject_kind="cameo", subject_id=cameo.pk).exists()
    assert Notification.objects.filter(
        target_id=cameo.pk, kind="cameo.rejected", payload__reasons=["public_figure"]
    ).exists()


def test_face_already_enrolled_by_another_account_is_rejected():
    """The 1:N search finds the same face verified under another account: already_enrolled."""
    assert enrol(5).state == CameoState.VERIFIED
    second = enrol(5)
    assert second.state == CameoState.REJECTED
    assert second.reasons == ["already_enrolled"]


def test_different_people_both_enrol():
    """Two different people each get their own verified cameo."""
    assert enrol(2).state == CameoState.VERIFIED
    assert enrol(3).state == CameoState.VERIFIED


def test_late_enrolment_finds_earlier_videos_with_the_face():
    """Outputs stored before the person joined become detected appearances of their new cameo."""
    frames = [media.compose(media.face_portrait(3))]
    services.detect_likeness(frames=frames, subject=("generation", 777))
    services.detect_likeness(frames=[media.compose(media.face_portrait(0))], subject=("generation", 778))
    cameo = enrol(3)
    assert cameo.state == CameoState.VERIFIED
    found = list(Appearance.objects.filter(cameo=cameo).values_list("kind", "object_id", "source"))
    assert found == [("generation", 777, "detected")]
    assert Notification.objects.filter(target_id=cameo.pk, kind="cameo.detected").count() == 1


def test_processing_twice_changes_nothing():
    """The worker step is idempotent: a redelivered message finds the cameo decided and leaves it."""
    cameo = enrol(2)
    rows = DlibFaceEmbedding.objects.filter(subject_id=cameo.pk).count()
    again = services.cameo_process_recording(cameo_id=cameo.pk)
    assert again.state == CameoState.VERIFIED
    assert DlibFaceEmbedding.objects.filter(subject_id=cameo.pk).count() == rows


@pytest.mark.parametrize(
    ("name", "content_type", "data", "code"),
    [
        ("a.txt", "text/plain", b"hello", "unsupported_media_type"),
        ("a.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42 not really a video", "recording_undecodable"),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(name, content_type, data, code):
    """Wrong type or undecodable bytes: a clear error, the cameo still awaits its recording, no file kept."""
    cameo = services.cameo_create(owner=UserFactory())
    with pytest.raises(ValidationFailed) as caught:
        services.cameo_attach_recording(cameo=cameo, upload=SimpleUploadedFile(name, data, content_type))
    assert caught.value.code == code
    cameo.refresh_from_db()
    assert cameo.state == CameoState.AWAITING_RECORDING
    assert not cameo.recording


def test_video_without_audio_is_refused():
    """A recording with no sound cannot prove the phrase: recording_no_audio."""
    frames = [media.compose(media.face_portrait(0))] * 10
    cameo = services.cameo_create(owner=UserFactory())
    with pytest.raises(ValidationFailed) as caught:
        services.cameo_attach_recording(
            cameo=cameo, upload=SimpleUploadedFile("a.mp4", media.write_mp4(frames, None), "video/mp4")
        )
    assert caught.value.code == "recording_no_audio"


def test_oversized_upload_is_refused(settings):
    """Over the size limit: 413 recording_too_large, nothing stored."""
    from sora_social.common.errors import ApplicationError

    settings.CAMEOS_RECORDING_MAX_BYTES = 1000
    cameo = services.cameo_create(owner=UserFactory())
    with pytest.raises(ApplicationError) as caught:
        services.cameo_attach_recording(
            cameo=cameo, upload=SimpleUploadedFile("a.mp4", b"\x00" * 2000, "video/mp4")
        )
    assert (caught.value.status, caught.value.code) == (413, "recording_too_large")


def test_one_live_cameo_per_member():
    """A member cannot start a second enrolment while one is live."""
    from sora_social.common.errors import Conflict

    owner = UserFactory()
    services.cameo_create(owner=owner)
    with pytest.raises(Conflict):
        services.cameo_create(owner=owner)


def test_already_enrolled_is_told_to_the_uploader_as_a_generic_failure(client_for):
    """The uploader of a face enrolled elsewhere sees `verification_failed`; moderators keep `already_enrolled`."""
    assert enrol(4).state == CameoState.VERIFIED
    second = enrol(4)
    assert second.reasons == ["already_enrolled"]  # stored for moderators (admin)
    body = client_for(second.owner).get(f"/api/v1/cameos/{second.pk}").json()
    assert body["reasons"] == ["verification_failed"]
    note = Notification.objects.get(target_id=second.pk, kind="cameo.rejected")
    assert note.payload["reasons"] == ["verification_failed"]
    listed = client_for(second.owner).get("/api/v1/me/cameo-notifications").json()["results"]
    assert "already_enrolled" not in str(listed)
