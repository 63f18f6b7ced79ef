"""What gets hashed: outputs once ready, enrolment recordings once verified; and what erases them."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from cameos.models import Cameo
from cameos.states import CAMEO_MACHINE
from moderation.models import Case
from provenance import formats, robustness, services
from provenance.models import BankMatch, FrameHash, HashBank, MediaHash
from sora_social.accounts.signals import account_deleted
from sora_social.common.states import state_changed
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Tasks sent to the broker (the boundary), by name and arguments."""
    from sora_social.celery import app

    seen: list[tuple[str, dict]] = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs=None, **_: seen.append((name, kwargs or {})))
    return seen


def _cameo_with_recording(video: bytes) -> Cameo:
    cameo = CameoFactory()
    cameo.recording.save("recording.mp4", ContentFile(video), save=True)
    return cameo


def test_ready_output_is_enqueued_and_hashed(made_output, sent, django_capture_on_commit_callbacks):
    """A job that becomes ready sends `provenance.hash_output`; the task stores per-second vPDQ,
    the central-crop variant, the poster's PDQ and the audio keys."""
    from tests.generation.factories import finishing_job, render_and_finish

    job = finishing_job(prompt="a kite over a hill", seed=4, width=288, height=512, duration_s=8)
    with django_capture_on_commit_callbacks(execute=True):
        render_and_finish(job)
    assert ("provenance.hash_output", {"job_id": job.id}) in sent
    media = services.output_hash(job_id=job.id)
    variants = sorted(set(FrameHash.objects.filter(media=media).values_list("variant", flat=True)))
    assert variants == ["crop90", "original", "poster"]
    assert FrameHash.objects.filter(media=media, variant="original").count() == 8
    assert media.audio_keys.count() > 100


def test_verified_recording_is_enqueued_hashed_and_erased_with_the_cameo(
    made_output, sent, django_capture_on_commit_callbacks
):
    """Verification sends `provenance.hash_recording`; deleting the cameo erases its hashes."""
    _, video = made_output()
    cameo = _cameo_with_recording(video)
    with django_capture_on_commit_callbacks(execute=True):
        state_changed.send(
            sender=Cameo, machine=CAMEO_MACHINE, pks=[cameo.pk], source="processing", target="verified"
        )
    assert ("provenance.hash_recording", {"cameo_id": cameo.pk}) in sent
    assert services.recording_hash(cameo_id=cameo.pk).kind == "enrolment"
    from cameos.services import cameo_delete

    cameo_delete(cameo=cameo)
    assert not MediaHash.objects.filter(kind="enrolment").exists()


def test_recording_matching_a_block_bank_is_removed_with_a_case(
    made_output, django_capture_on_commit_callbacks
):
    """An enrolment recording whose video is banked opens a case and the cameo is removed."""
    job, video = made_output()
    frames = list(
        FrameHash.objects.filter(media__object_id=job.id, variant="original").values_list("hash", flat=True)
    )
    bank = HashBank.objects.create(name="stolen likeness", category="likeness")
    services.bank_import(bank=bank, text=f"vpdq {formats.vpdq_json(frames)}\n")
    cameo = _cameo_with_recording(robustness.low_bitrate(video))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.recording_hash(cameo_id=cameo.pk) is not None
    match = BankMatch.objects.get(kind="enrolment")
    assert Case.objects.get(pk=match.case_id).category == "likeness"
    assert not Cameo.objects.filter(pk=cameo.pk).exists()
    assert not MediaHash.objects.filter(kind="enrolment").exists()


def test_account_deletion_erases_the_members_hashes(made_output):
    """A deleted member's outputs stop being findable: their hashes go."""
    job, _ = made_output()
    account_deleted.send(sender=None, user_id=job.user_id)
    assert not MediaHash.objects.filter(owner_id=job.user_id).exists()
