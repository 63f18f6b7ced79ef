"""The checks wired into a job: real faces in stills, cameo consent and likeness, remix provenance."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos.models import Appearance, Audience, CameoAccess
from cameos.services import cameo_grant, cameo_revoke
from generation import checks, pipeline, provenance, services
from generation.models import GenerationJob
from generation.remix import RemixSource, register_source_resolver
from generation.states import JobState
from tests.accounts.factories import UserFactory
from tests.cameos import media as cameo_media
from tests.generation import backends
from tests.generation.conftest import wait_finished
from tests.generation.factories import finishing_job, image_bytes, render_and_finish, stored_video_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def big_frames(settings):  # type: ignore[no-untyped-def]
    """Frames large enough for the face detector to see a composited face (320×568)."""
    settings.GENERATION_SHORT_SIDE = 320
    settings.GENERATION_DEFAULT_DURATION_S = 1


def _upload(client, data: bytes, name: str = "still.png"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_image_of_real_people_is_refused_before_rendering(inprocess_worker, user, client_for):
    """A photo with real faces ends blocked `real_person_image_not_allowed`, with no render attempt."""
    import insightface

    photo = (Path(insightface.__file__).parent / "data" / "images" / "t1.jpg").read_bytes()
    client = client_for(user)
    upload = _upload(client, photo, "people.jpg")
    assert upload.status_code == 201, upload.content
    response = client.post(
        "/api/v1/generations",
        {"mode": "image", "image_upload_id": upload.json()["id"], "prompt": "make it move"},
        format="json",
    )
    assert response.status_code == 202
    job = wait_finished(int(response.json()["id"]))
    assert job.state == JobState.BLOCKED
    assert job.blocked_reason == "real_person_image_not_allowed"
    assert job.attempts == 0
    detail = client.get(f"/api/v1/generations/{job.id}").json()
    assert detail["blocked_reason"] == "real_person_image_not_allowed"
    assert detail["video_url"] is None


def test_image_without_people_becomes_a_video_over_that_still(inprocess_worker, user, client_for):
    """A still with no face renders, with the still as its backdrop."""
    client = client_for(user)
    upload = _upload(client, image_bytes(400, 300, seed=4))
    response = client.post(
        "/api/v1/generations", {"mode": "image", "image_upload_id": upload.json()["id"]}, format="json"
    )
    job = wait_finished(int(response.json()["id"]))
    assert job.state == JobState.READY, job.errors
    request = pipeline.build_request(job)
    assert request.conditioning_image is not None
    assert request.conditioning_image.shape == (300, 400, 3)


def test_cast_cameo_with_consent_is_composited_detected_and_credited(inprocess_worker, big_frames, cameo_of):
    """A granted cameo is cast: its face is in the frames, likeness detection sees it (cast, so
    allowed), the manifest lists it and the owner's appearances include the draft."""
    caster = UserFactory()
    cameo = cameo_of(2, audience=Audience.APPROVED)
    cameo_grant(cameo=cameo, user_id=caster.id)
    job = services.job_submit(user=caster, mode="text", prompt="dancing on the moon", cameos=[str(cameo.id)])
    job = wait_finished(job.id, timeout=120)
    assert job.state == JobState.READY, (job.blocked_reason, job.errors)
    assert job.checks["output"]["cameos.detect_likeness"]["cameos_seen"] == [str(cameo.id)]
    assert job.checks["store"]["cameos.may_cast"]["decision"] == "allow"
    report = provenance.read_manifest(stored_video_bytes(job))
    assert report.assertion(provenance.CAMEO_ASSERTION)["cameo_ids"] == [str(cameo.id)]
    appearance = Appearance.objects.get(cameo=cameo, kind="generation", object_id=job.id)
    assert appearance.source == "cast"
    assert appearance.creator_id == caster.id


def test_uncast_likeness_in_output_is_blocked_and_keeps_nothing(
    inprocess_worker, big_frames, cameo_of, settings
):
    """A model output showing a registered person who was not cast ends blocked `uncast_likeness`."""

    cameo = cameo_of(4)
    name = f"face-{uuid.uuid4().hex[:6]}"
    backend = backends.install(name, backends.FaceBackend())
    backend.face = cameo_media.face_portrait(4)
    settings.GENERATION_BACKEND = name
    job = services.job_submit(user=UserFactory(), mode="text", prompt="a crowd at a concert")
    job = wait_finished(job.id, timeout=120)
    assert job.state == JobState.BLOCKED
    assert job.blocked_reason == "uncast_likeness"
    assert job.checks["output"]["cameos.detect_likeness"]["cameos_seen"] == [str(cameo.id)]
    assert job.video == ""


def test_revoking_access_mid_render_cancels_the_job(inprocess_worker, big_frames, cameo_of, settings):
    """The owner revokes while the caster's job renders: cancelled `cameo_access_revoked`, nothing kept."""
    caster = UserFactory()
    cameo = cameo_of(1, audience=Audience.APPROVED)
    cameo_grant(cameo=cameo, user_id=caster.id)
    name = f"gated-{uuid.uuid4().hex[:6]}"
    gate = backends.install(name, backends.GatedBackend())
    settings.GENERATION_BACKEND = name
    job = services.job_submit(user=caster, mode="text", prompt="us at the beach", cameos=[str(cameo.id)])
    other = services.job_submit(user=caster, mode="text", prompt="no cameo here")
    assert gate.reached.wait(60)
    cameo_revoke(cameo=cameo, user_id=caster.id)
    gate.release.set()
    assert gate.ended.wait(60)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert job.blocked_reason == "cameo_access_revoked"
    assert job.video == ""
    other.refresh_from_db()
    assert other.state != JobState.CANCELLED


def test_consent_withdrawn_before_storing_cancels_without_output(big_frames, cameo_of):
    """The store-time consent check: access gone (no signal seen) → cancelled, files deleted."""
    caster = UserFactory()
    cameo = cameo_of(3, audience=Audience.APPROVED)
    cameo_grant(cameo=cameo, user_id=caster.id)
    job = finishing_job(
        user=caster, prompt="x", seed=1, duration_s=1, width=320, height=568, cameo_ids=[cameo.id]
    )
    request = pipeline.build_request(job)
    CameoAccess.objects.filter(cameo=cameo, user_id=caster.id).update(state=CameoAccess.State.REVOKED)
    assert render_and_finish(job, request=request) == JobState.CANCELLED
    job.refresh_from_db()
    assert job.blocked_reason == "cameo_consent_withdrawn"
    assert job.video == ""
    from django.core.files.storage import default_storage

    assert not default_storage.exists(f"generations/{caster.id}/{job.id}/a1/video.mp4")


def test_remix_manifest_names_its_parent(inprocess_worker, user):
    """A remix of a visible, remixable post: its manifest carries the parent as a parentOf ingredient."""
    parent = wait_finished(services.job_submit(user=user, mode="text", prompt="a red umbrella").id)
    assert parent.state == JobState.READY
    parent_label = parent.manifest_label

    def resolve(*, post_id: int, user: object) -> RemixSource | None:
        if post_id != 777:
            return None
        return RemixSource(post_id=777, video=parent.video, title="post 777", visible=True, allow_remix=True)

    register_source_resolver(resolve)
    try:
        remix = services.job_submit(
            user=UserFactory(), mode="remix", remix_of="777", prompt="now in the rain"
        )
        remix = wait_finished(remix.id)
    finally:
        register_source_resolver(None)
    assert remix.state == JobState.READY, remix.errors
    assert remix.remix_of_post_id == 777
    report = provenance.read_manifest(
        stored_video_bytes(remix), trust_anchors_pem=provenance.signing_material().trust_anchors_pem
    )
    assert report.validation_state == "Trusted"
    [ingredient] = report.manifest["ingredients"]
    assert ingredient["relationship"] == "parentOf"
    assert ingredient["title"] == "post 777"
    assert ingredient["active_manifest"] == parent_label
    assert report.assertion(provenance.CAMEO_ASSERTION)["remix_of"] == "post 777"
    # The remix starts from the parent's first frame.
    first = pipeline.build_request(remix).conditioning_image
    assert first is not None
    assert first.shape == (256, 144, 3)


def test_wired_steps_are_the_declared_order():
    """Prompt, output and store checks are wired, in the order the product rules need them."""
    assert checks.wired() == {
        "prompt": [
            "moderation.check_prompt",
            "moderation.check_dialogue",
            "moderation.check_shots",
            "cameos.rules",
            "cameos.face_detect",
        ],
        "output": ["moderation.check_frames", "moderation.check_transcript", "cameos.detect_likeness"],
        "store": ["cameos.may_cast", "cameos.rules"],
    }


def test_frames_with_no_faces_pass_likeness(big_frames):
    """Procedural output with no cameo has no faces: likeness allows, nothing stored for it."""
    job = GenerationJob(id=1, user_id=1, prompt="p", cameo_ids=[], fps=12)
    frames = np.full((6, 568, 320, 3), 120, np.uint8)
    outcome = checks.likeness(job, {"frames": frames})
    assert outcome.decision == checks.ALLOW
    assert outcome.detail["faces"] == 0
