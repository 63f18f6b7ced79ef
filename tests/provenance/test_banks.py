"""Hash banks: matching blocks or reviews uploads and outputs, negatives suppress, files round-trip."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from generation import services as generation_services
from generation.models import GenerationJob, ImageUpload
from moderation.models import Case
from moderation.registry import adapter_for
from moderation.signals import REMOVE, content_actioned
from provenance import formats, hashing, robustness, services
from provenance.models import BankEntry, BankMatch, HashBank

pytestmark = pytest.mark.django_db


def picture(seed: int = 3, size: tuple[int, int] = (480, 360)) -> np.ndarray:
    """A photo-like still: a gradient sky and random filled shapes (PDQ quality well above 50)."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", size, tuple(int(c) for c in rng.integers(0, 255, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.integers(0, size[0]), rng.integers(0, size[1])
        r = int(rng.integers(15, 90))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x - r, y - r, x + r, y + r), fill=colour)
    return np.asarray(image)


def jpeg(rgb: np.ndarray, *, quality: int = 80, scale: float = 1.0) -> bytes:
    image = Image.fromarray(rgb)
    if scale != 1.0:
        image = image.resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def bank(name: str = "known bad", **kw: object) -> HashBank:
    return HashBank.objects.create(name=name, category=kw.pop("category", "violence"), **kw)


def pdq_line(rgb: np.ndarray) -> str:
    return f"pdq {hashing.bits_to_hex(hashing.pdq(rgb)[0])}\n"


def upload_and_decode(auth_client, data: bytes, captured) -> ImageUpload:
    response = auth_client.post(
        "/api/v1/uploads", {"file": SimpleUploadedFile("a.jpg", data)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    with captured(execute=True):
        upload = generation_services.upload_decode(upload_id=int(response.json()["id"]))
    assert upload is not None
    return upload


def test_block_bank_rejects_a_matching_image_upload_and_opens_a_case(
    auth_client, django_capture_on_commit_callbacks
):
    """A re-compressed, downscaled copy of a banked still is rejected; a case shows the match."""
    banned = bank()
    services.bank_import(bank=banned, text=pdq_line(picture()))
    upload = upload_and_decode(
        auth_client, jpeg(picture(), quality=60, scale=0.7), django_capture_on_commit_callbacks
    )
    assert (upload.state, upload.reason) == (ImageUpload.State.REJECTED, "hash_bank_match")
    assert not default_storage.exists(upload.file)
    match = BankMatch.objects.get()
    assert (match.kind, match.object_id, match.bank_id, match.action) == (
        "upload",
        upload.id,
        banned.id,
        "block",
    )
    case = Case.objects.get(pk=match.case_id)
    assert (case.subject_kind, case.subject_id, case.category) == ("hash_match", match.id, "violence")
    shown = adapter_for("hash_match").render(match.id)
    assert "known bad" in shown.title
    assert f"distance {match.distance}" in shown.text


def test_unrelated_upload_passes_and_review_bank_only_opens_a_case(
    auth_client, django_capture_on_commit_callbacks
):
    """Another still passes untouched; a `review` bank lets its match through but opens a case."""
    bank(action="review")
    services.bank_import(bank=HashBank.objects.get(), text=pdq_line(picture(seed=3)))
    other = upload_and_decode(auth_client, jpeg(picture(seed=4)), django_capture_on_commit_callbacks)
    assert other.state == ImageUpload.State.READY
    assert not BankMatch.objects.exists()
    same = upload_and_decode(auth_client, jpeg(picture(seed=3)), django_capture_on_commit_callbacks)
    assert same.state == ImageUpload.State.READY
    assert BankMatch.objects.get().case_id is not None


def test_negative_bank_suppresses_a_known_false_positive(auth_client, django_capture_on_commit_callbacks):
    """A hash in the bank's "do not match" bank never matches that bank."""
    negative = bank("false positives", is_negative=True)
    banned = bank(negative=negative)
    services.bank_import(bank=banned, text=pdq_line(picture()))
    services.bank_import(bank=negative, text=pdq_line(picture()))
    upload = upload_and_decode(auth_client, jpeg(picture()), django_capture_on_commit_callbacks)
    assert upload.state == ImageUpload.State.READY
    assert not BankMatch.objects.exists()


def test_threshold_is_per_bank(auth_client, django_capture_on_commit_callbacks):
    """A bank with threshold 0 only takes exact hashes: a recompressed copy passes it."""
    strict = bank(threshold=0)
    services.bank_import(bank=strict, text=pdq_line(picture()))
    upload = upload_and_decode(
        auth_client, jpeg(picture(), quality=40, scale=0.5), django_capture_on_commit_callbacks
    )
    assert upload.state == ImageUpload.State.READY


def test_removed_output_is_banked_and_a_still_of_it_is_blocked(
    made_output, auth_client, django_capture_on_commit_callbacks, monkeypatch
):
    """Removal adds the output's vPDQ to its category's auto bank; a frame of it uploaded as an
    image-to-video still is then rejected."""
    from sora_social.celery import app

    auto = bank("auto violence", auto_add_removed=True)
    bank("auto sexual", category="sexual", auto_add_removed=True)
    job, video = made_output()
    case = Case.objects.create(subject_kind="generation", subject_id=job.id, category="violence")
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs=None, **_: sent.append((name, kwargs or {})))
    with django_capture_on_commit_callbacks(execute=True):
        content_actioned.send(
            sender=Case, kind="generation", object_id=job.id, action=REMOVE, case_id=case.id, reason=""
        )
    removal = [kw for name, kw in sent if name == "provenance.bank_removed"]
    assert removal == [{"kind": "generation", "object_id": job.id, "category": "violence"}]
    services.banks_add_removed(**removal[0])  # what the worker runs
    assert not HashBank.objects.get(name="auto sexual").entries.exists()
    kinds = sorted(auto.entries.values_list("signal_type", flat=True))
    assert kinds == ["md5", "pdq", "vpdq"]  # the video's bytes, its poster, its frames
    frames, _, fps = robustness.decode(video)
    upload = upload_and_decode(auth_client, jpeg(frames[3 * fps]), django_capture_on_commit_callbacks)
    assert (upload.state, upload.reason) == (ImageUpload.State.REJECTED, "hash_bank_match")
    assert BankMatch.objects.get(kind="upload").signal_type == "vpdq"


def test_output_matching_a_block_bank_is_removed_with_a_case(made_output, django_capture_on_commit_callbacks):
    """An output identical to a banked video (same prompt and seed) is removed once hashed."""
    first, _ = made_output()
    banned = bank()
    text = services.bank_export(bank=banned)
    frames = list(first_media_frames(first.id))
    services.bank_import(bank=banned, text=text + f"vpdq {formats.vpdq_json(frames)}\n")
    with django_capture_on_commit_callbacks(execute=True):
        again, _ = made_output()
    again.refresh_from_db()
    assert again.output_removed_at is not None
    match = BankMatch.objects.get(kind="output", object_id=again.id)
    assert match.signal_type == "vpdq"
    assert Case.objects.filter(pk=match.case_id).exists()
    assert GenerationJob.objects.get(pk=first.id).output_removed_at is None


def first_media_frames(job_id: int) -> list[str]:
    from provenance.models import FrameHash

    return list(
        FrameHash.objects.filter(media__kind="output", media__object_id=job_id, variant="original")
        .order_by("second")
        .values_list("hash", flat=True)
    )


def test_export_import_round_trip_and_bad_files_change_nothing():
    """PDQ, vPDQ and MD5 entries export in ThreatExchange lines and import back identically; a bad
    line imports nothing."""
    source = bank("source")
    frames = [hashing.pdq(picture(seed=s))[0] for s in range(4)]
    text = (
        pdq_line(picture())
        + f"vpdq {formats.vpdq_json(frames)}\tshared by a partner\n"
        + f"md5 {'ab' * 16}\n"
    )
    assert services.bank_import(bank=source, text=text) == {"added": 3, "skipped": 0}
    assert services.bank_import(bank=source, text=text) == {"added": 0, "skipped": 3}
    exported = services.bank_export(bank=source)
    target = bank("target")
    services.bank_import(bank=target, text=exported)
    rows = lambda b: sorted(BankEntry.objects.filter(bank=b).values_list("signal_type", "value", "note"))  # noqa: E731
    assert rows(source) == rows(target)
    assert services.bank_export(bank=target) == exported
    assert BankEntry.objects.get(bank=target, signal_type="vpdq").frames == frames
    with pytest.raises(formats.FormatError, match="line 2"):
        services.bank_import(bank=bank("empty"), text=pdq_line(picture()) + "pdq nothex\n")
    assert not HashBank.objects.get(name="empty").entries.exists()


def test_demo_seeder_is_idempotent():
    """`seed_demo` makes the demo banks once; a second run adds nothing."""
    from provenance.seeding import ProvenanceSeeder

    ProvenanceSeeder().run({}, None)
    counts = (HashBank.objects.count(), BankEntry.objects.count())
    ProvenanceSeeder().run({}, None)
    assert (HashBank.objects.count(), BankEntry.objects.count()) == counts == (3, 2)
    assert HashBank.objects.get(name="removed violence").negative.name == "do not match"
