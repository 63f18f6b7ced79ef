"""Image uploads are checked from the header in the request and decoded in a worker, within budgets."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ImageFile

from generation import pipeline, services
from generation.models import GenerationJob, ImageUpload
from generation.states import JobState
from tests.accounts.factories import UserFactory
from tests.generation.factories import image_bytes

pytestmark = pytest.mark.django_db


def _upload(client: Any, data: bytes, name: str = "a.png") -> Any:
    return client.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, data)}, format="multipart")


@pytest.fixture
def pixel_decodes(monkeypatch: Any) -> list[str]:
    """Every full pixel decode through Pillow while the test runs."""
    seen: list[str] = []
    original = ImageFile.ImageFile.load

    def counting(self: Any) -> Any:
        seen.append(self.format)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return seen


def _corrupt_after_header(width: int = 320, height: int = 240) -> bytes:
    """A PNG whose header (IHDR) is valid and whose pixel data is garbage."""
    good = image_bytes(width, height)
    ihdr_end = 8 + 8 + 13 + 4
    garbage = b"\x5a" * 4000
    chunk = struct.pack(">I", len(garbage)) + b"IDAT" + garbage
    chunk += struct.pack(">I", zlib.crc32(b"IDAT" + garbage) & 0xFFFFFFFF)
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND") & 0xFFFFFFFF)
    return good[:ihdr_end] + chunk + end


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width`×`height` with almost no data behind it (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND") & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + body + end


def test_the_request_never_decodes_pixels(auth_client: Any, pixel_decodes: list[str]) -> None:
    """A valid image is stored as `pending` from its header alone: no pixel decode in the web request."""
    response = _upload(auth_client, image_bytes(320, 240))
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending"
    assert pixel_decodes == []
    upload = ImageUpload.objects.get(pk=int(response.json()["id"]))
    assert upload.state == ImageUpload.State.PENDING


@pytest.mark.parametrize(
    "data",
    [_corrupt_after_header(), image_bytes(320, 240)[:-400], image_bytes(320, 240, fmt="JPEG")[:2000]],
    ids=["garbage_png_body", "truncated_png", "truncated_jpeg"],
)
def test_corrupt_body_is_accepted_pending_then_rejected_by_the_worker(
    auth_client: Any,
    user: Any,
    data: bytes,
    pixel_decodes: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A good header over a broken body: the request accepts it as pending; the worker rejects it
    as corrupt_image, deletes the file, and a generation from it is then a 400 with that reason."""
    response = _upload(auth_client, data)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending"
    assert pixel_decodes == []
    upload_id = int(response.json()["id"])

    with django_capture_on_commit_callbacks(execute=True):
        upload = services.upload_decode(upload_id=upload_id)
    assert (upload.state, upload.reason, upload.decode_attempts) == (
        ImageUpload.State.REJECTED,
        "corrupt_image",
        1,
    )
    assert not default_storage.exists(upload.file)

    response = auth_client.post(
        "/api/v1/generations", {"mode": "image", "image_upload_id": str(upload_id)}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "corrupt_image"
    assert not GenerationJob.objects.exists()


def test_valid_image_becomes_ready_and_the_owner_is_told(
    auth_client: Any, user: Any, monkeypatch: Any
) -> None:
    """The worker decodes a valid image fully: `ready`, one attempt, an `upload.ready` event on commit."""
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr(
        "generation.services.uploads.send_user_event_on_commit",
        lambda uid, payload: sent.append((uid, payload)),
    )
    upload_id = int(_upload(auth_client, image_bytes(320, 240)).json()["id"])
    upload = services.upload_decode(upload_id=upload_id)
    assert (upload.state, upload.reason, upload.decode_attempts) == (ImageUpload.State.READY, "", 1)
    assert sent == [(user.id, {"type": "upload.ready", "upload_id": str(upload_id)})]
    # Done is done: a second (duplicate) message changes nothing.
    assert services.upload_decode(upload_id=upload_id).decode_attempts == 1


def test_wall_time_budget_rejects_as_decode_timeout(auth_client: Any, settings: Any) -> None:
    """Past GENERATION_UPLOAD_DECODE_TIMEOUT_S the decode stops: rejected, `decode_timeout`."""
    settings.GENERATION_UPLOAD_DECODE_TIMEOUT_S = 0.0
    upload_id = int(_upload(auth_client, image_bytes(320, 240)).json()["id"])
    upload = services.upload_decode(upload_id=upload_id)
    assert (upload.state, upload.reason) == (ImageUpload.State.REJECTED, "decode_timeout")


@pytest.mark.parametrize("side", [5000, 60000], ids=["over_max_side", "pillow_bomb"])
def test_header_pixel_budget_refuses_bombs_without_decoding(
    auth_client: Any, pixel_decodes: list[str], side: int
) -> None:
    """A header declaring more pixels than the budget (up to a decompression bomb) is a 400 from the
    header alone: nothing decoded, nothing stored."""
    response = _upload(auth_client, _png_header(side, side))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "image_dimensions"
    assert pixel_decodes == []
    assert not ImageUpload.objects.exists()


def test_attempts_are_counted_before_decoding_and_bounded(
    auth_client: Any, settings: Any, monkeypatch: Any
) -> None:
    """A decode that kills its worker still counts (committed first); once
    GENERATION_UPLOAD_MAX_ATTEMPTS are spent the upload is rejected as processing_failed."""
    settings.GENERATION_UPLOAD_MAX_ATTEMPTS = 2
    upload_id = int(_upload(auth_client, image_bytes(320, 240)).json()["id"])

    def crash(data: bytes) -> None:
        raise MemoryError("worker killed")

    monkeypatch.setattr("generation.images.decode", crash)
    for attempt in (1, 2):
        with pytest.raises(MemoryError):
            services.upload_decode(upload_id=upload_id)
        upload = ImageUpload.objects.get(pk=upload_id)
        assert (upload.state, upload.decode_attempts) == (ImageUpload.State.PENDING, attempt)
    upload = services.upload_decode(upload_id=upload_id)
    assert (upload.state, upload.reason, upload.decode_attempts) == (
        ImageUpload.State.REJECTED,
        "processing_failed",
        2,
    )


def test_reconciler_resends_stuck_pending_uploads_within_attempts(
    auth_client: Any, settings: Any, monkeypatch: Any
) -> None:
    """Pending uploads nobody decoded are sent again; those whose attempts are spent are rejected."""
    settings.GENERATION_UPLOAD_MAX_ATTEMPTS = 2
    sent: list[int] = []
    monkeypatch.setattr(
        "generation.services.uploads.enqueue_on_commit", lambda task, **kw: sent.append(kw["upload_id"])
    )
    fresh = int(_upload(auth_client, image_bytes(320, 240)).json()["id"])
    stuck = int(_upload(auth_client, image_bytes(320, 240)).json()["id"])
    spent = int(_upload(auth_client, image_bytes(320, 240)).json()["id"])
    old = timezone.now() - timedelta(hours=1)
    ImageUpload.objects.filter(pk__in=[stuck, spent]).update(created_at=old)
    ImageUpload.objects.filter(pk=spent).update(decode_attempts=2, attempted_at=old)
    sent.clear()

    assert services.uploads_reconcile() == {"resent": 1, "failed": 1}
    assert sent == [stuck]
    assert ImageUpload.objects.get(pk=fresh).state == ImageUpload.State.PENDING
    rejected = ImageUpload.objects.get(pk=spent)
    assert (rejected.state, rejected.reason) == (ImageUpload.State.REJECTED, "processing_failed")


def test_generation_from_pending_corrupt_upload_fails_cleanly(auth_client: Any, user: Any) -> None:
    """Submitted while still pending, the pipeline decodes under the same budget and fails the job
    with the upload's reason."""
    upload_id = _upload(auth_client, _corrupt_after_header()).json()["id"]
    response = auth_client.post(
        "/api/v1/generations",
        {"mode": "image", "image_upload_id": upload_id, "prompt": "move"},
        format="json",
    )
    assert response.status_code == 202, response.content
    job_id = int(response.json()["id"])
    assert pipeline.job_advance(job_id=job_id) == JobState.FAILED
    job = GenerationJob.objects.get(pk=job_id)
    assert job.blocked_reason == "corrupt_image"
    upload = ImageUpload.objects.get(pk=int(upload_id))
    assert (upload.state, upload.reason) == (ImageUpload.State.REJECTED, "corrupt_image")


def test_another_members_upload_cannot_be_decoded_into_view(client_for: Any) -> None:
    """Rejected or not, another member's upload id stays a 404 at submit."""
    owner_client = client_for(UserFactory())
    upload_id = _upload(owner_client, _corrupt_after_header()).json()["id"]
    services.upload_decode(upload_id=int(upload_id))
    response = client_for(UserFactory()).post(
        "/api/v1/generations", {"mode": "image", "image_upload_id": upload_id}, format="json"
    )
    assert response.status_code == 404


def test_render_step_fails_the_job_cleanly_on_a_corrupt_still(auth_client: Any) -> None:
    """Past the prompt checks, the GPU step decodes the still under the same budgets: a corrupt one
    fails the job with `corrupt_image`, no render."""
    upload_id = _upload(auth_client, _corrupt_after_header()).json()["id"]
    response = auth_client.post(
        "/api/v1/generations",
        {"mode": "image", "image_upload_id": upload_id, "prompt": "move"},
        format="json",
    )
    job_id = int(response.json()["id"])
    GenerationJob.objects.filter(pk=job_id).update(state=JobState.WAITING_FOR_GPU)
    assert pipeline.job_render(job_id=job_id) == JobState.FAILED
    job = GenerationJob.objects.get(pk=job_id)
    assert job.blocked_reason == "corrupt_image"
    assert ImageUpload.objects.get(pk=int(upload_id)).state == ImageUpload.State.REJECTED
