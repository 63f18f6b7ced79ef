"""Enrolment recordings are decoded in the worker within a frame, pixel, duration and time budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos import enrolment, services
from cameos.models import CameoState
from sora_social.common.errors import ValidationFailed
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.cameos import media

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def twenty_seconds_declared_two() -> bytes:
    """20 s of 640×360 frames at 10 fps whose headers say 2 s."""
    return media.declare_duration(media.long_recording(20), 2.0)


def _processing_cameo(data: bytes) -> Any:
    cameo = services.cameo_create(owner=UserFactory())
    services.cameo_attach_recording(cameo=cameo, upload=SimpleUploadedFile("me.mp4", data, "video/mp4"))
    cameo.refresh_from_db()
    return cameo


def test_declared_duration_is_not_trusted(settings: Any, twenty_seconds_declared_two: bytes) -> None:
    """A recording declaring 2 s but holding 20 s: the upload is accepted on its header, the worker
    measures while decoding and rejects it as too_long once frames pass 15 s, not after the last one."""
    settings.CAMEOS_RECORDING_MAX_SECONDS = 15.0
    assert enrolment.probe(twenty_seconds_declared_two) == pytest.approx(2.0, abs=0.1)
    with pytest.raises(enrolment.RecordingError) as caught:
        enrolment.decode(twenty_seconds_declared_two)
    assert caught.value.code == "too_long"
    assert 150 <= caught.value.frames_decoded <= 152  # frames up to 15 s at 10 fps, of 200

    cameo = _processing_cameo(twenty_seconds_declared_two)
    assert cameo.state == CameoState.PROCESSING
    cameo = services.cameo_process_recording(cameo_id=cameo.pk)
    assert cameo.state == CameoState.REJECTED
    assert cameo.reasons == ["too_long"]


def test_frame_budget_stops_decoding(settings: Any, twenty_seconds_declared_two: bytes) -> None:
    """Past CAMEOS_RECORDING_MAX_FRAMES decoded frames, decoding stops: too_many_frames."""
    settings.CAMEOS_RECORDING_MAX_FRAMES = 30
    with pytest.raises(enrolment.RecordingError) as caught:
        enrolment.decode(twenty_seconds_declared_two)
    assert caught.value.code == "too_many_frames"
    assert caught.value.frames_decoded == 31


def test_pixel_budget_is_checked_on_upload_and_in_the_worker(settings: Any) -> None:
    """Frames over CAMEOS_RECORDING_MAX_PIXELS: refused from the header on upload, nothing decoded."""
    data = media.long_recording(1, size=(320, 240))
    settings.CAMEOS_RECORDING_MAX_PIXELS = 320 * 240 - 1
    cameo = services.cameo_create(owner=UserFactory())
    with pytest.raises(ValidationFailed) as caught:
        services.cameo_attach_recording(cameo=cameo, upload=SimpleUploadedFile("a.mp4", data, "video/mp4"))
    assert caught.value.code == "recording_resolution_too_high"
    with pytest.raises(enrolment.RecordingError) as decoded:
        enrolment.decode(data)
    assert (decoded.value.code, decoded.value.frames_decoded) == ("resolution_too_high", 0)


def test_wall_time_budget(settings: Any) -> None:
    """With no decode time left, the first frame ends it: decode_timeout."""
    settings.CAMEOS_DECODE_TIMEOUT_S = 0.0
    with pytest.raises(enrolment.RecordingError) as caught:
        enrolment.decode(media.long_recording(1))
    assert (caught.value.code, caught.value.frames_decoded) == ("decode_timeout", 1)


def test_upload_does_not_decode_frames(monkeypatch: Any) -> None:
    """The web request only reads headers: no frame is decoded while uploading."""
    import av.container

    decoded: list[int] = []
    original = av.container.InputContainer.decode

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        decoded.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(av.container.InputContainer, "decode", counting)
    cameo = _processing_cameo(media.long_recording(1))
    assert cameo.state == CameoState.PROCESSING
    assert decoded == []


def test_reconciler_gives_up_after_max_attempts(settings: Any) -> None:
    """A recording whose worker never finishes is re-sent CAMEOS_VERIFY_MAX_ATTEMPTS times, then
    rejected as processing_failed and the owner told."""
    from datetime import timedelta

    from django.utils import timezone

    from cameos.models import Cameo

    settings.CAMEOS_VERIFY_MAX_ATTEMPTS = 2
    cameo = services.cameo_create(owner=UserFactory())
    cameo.recording.save("recording.mp4", ContentFile(b"x"), save=True)
    Cameo.objects.filter(pk=cameo.pk).update(
        state=CameoState.PROCESSING, state_changed_at=timezone.now() - timedelta(hours=1)
    )
    # Each delivery starts an attempt and then "dies" (the attempt is counted before decoding).
    for _ in range(2):
        assert services.cameos_reconcile_processing() == {"resent": 1, "failed": 0}
        assert services.cameo_verify_attempt_start(cameo_id=cameo.pk) is True
    assert services.cameos_reconcile_processing() == {"resent": 0, "failed": 1}
    cameo.refresh_from_db()
    assert cameo.state == CameoState.REJECTED
    assert cameo.reasons == ["processing_failed"]
    note = Notification.objects.get(target_id=cameo.pk)
    assert note.kind == "cameo.rejected"
    assert note.payload == {"cameo_id": str(cameo.pk), "state": "rejected", "reasons": ["processing_failed"]}
    assert services.cameos_reconcile_processing() == {"resent": 0, "failed": 0}


def test_worker_refuses_a_spent_cameo(settings: Any) -> None:
    """A redelivered message past the attempt limit rejects instead of decoding again."""
    from cameos.models import Cameo

    settings.CAMEOS_VERIFY_MAX_ATTEMPTS = 1
    cameo = services.cameo_create(owner=UserFactory())
    cameo.recording.save("recording.mp4", ContentFile(b"x"), save=True)
    Cameo.objects.filter(pk=cameo.pk).update(state=CameoState.PROCESSING, verify_attempts=1)
    assert services.cameo_process_recording(cameo_id=cameo.pk).reasons == ["processing_failed"]
