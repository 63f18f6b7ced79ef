"""The remote `/v1/videos` backend against a fake service served for real (uvicorn in a thread)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache

from generation import media, provenance
from generation.backends import RenderCancelled, RenderContext, RenderRequest, register_backend
from generation.backends.remote_videos import (
    RemoteVideosBackend,
    WebhookInvalid,
    sign_webhook,
    verify_webhook,
    webhook_receive,
)
from generation.states import JobState
from generation.tasks import render_job
from tests.generation.factories import GenerationJobFactory, stored_video_bytes
from tests.generation.fake_videos import KEY, FakeVideos, serve

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHM="


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeVideos]:
    service = FakeVideos()
    with serve(service) as url:
        settings.GENERATION_REMOTE_URL = url
        settings.GENERATION_REMOTE_KEY = KEY
        settings.GENERATION_REMOTE_MODEL = "sora-2"
        settings.GENERATION_REMOTE_POLL_S = 0.02
        settings.GENERATION_REMOTE_TIMEOUT_S = 5.0
        settings.GENERATION_REMOTE_RETRIES = 2
        settings.GENERATION_REMOTE_DEADLINE_S = 30.0
        settings.GENERATION_REMOTE_WEBHOOK_SECRET = None
        yield service


def _job(settings: Any, user: Any, **fields: Any) -> Any:
    name = f"remote-{uuid.uuid4().hex[:6]}"
    register_backend(name, RemoteVideosBackend)
    settings.GENERATION_BACKEND = name
    return GenerationJobFactory(
        user=user,
        prompt="a paper boat in the rain",
        seed=1,
        state=JobState.WAITING_FOR_GPU,
        backend=name,
        **fields,
    )


def _request(**fields: Any) -> RenderRequest:
    return RenderRequest(
        **{
            "prompt": "a paper boat",
            "seed": 1,
            "duration_s": 2,
            "width": 144,
            "height": 256,
            "fps": 12,
            **fields,
        }
    )


def test_remote_job_is_still_our_output(fake, settings, user):
    """POST with prompt/model/seconds/size, polls until completed, downloads the MP4; our checks,
    watermark, one encode and C2PA (naming remote:sora-2) follow, with the remote's own sound."""
    job = _job(settings, user)
    assert render_job(job.id) == JobState.READY
    form = fake.created[0]
    assert form == {
        "prompt": "a paper boat in the rain",
        "model": "sora-2",
        "seconds": "2",
        "size": "144x256",
    }
    job.refresh_from_db()
    data = stored_video_bytes(job)
    info = media.probe_mp4(data)
    assert (info["video"]["width"], info["video"]["height"], info["video"]["frames"]) == (144, 256, 24)
    assert info["audio"]["codec"] == "aac"
    report = provenance.read_manifest(data, trust_anchors_pem=provenance.signing_material().trust_anchors_pem)
    assert report.validation_state == "Trusted"
    assert report.assertion("c2pa.actions.v2")["actions"][0]["softwareAgent"] == "remote:sora-2"
    assert job.checks["output"]["moderation.check_frames"]["decision"] == "allow"
    assert job.progress == 1.0


def test_image_to_video_sends_the_still_as_input_reference(fake, settings):
    """The conditioning still goes up as `input_reference` (a PNG of the request's size)."""
    still = np.zeros((300, 200, 3), np.uint8)
    still[..., 1] = 200
    steps: list[float] = []
    RemoteVideosBackend().render(_request(conditioning_image=still), RenderContext(on_progress=steps.append))
    reference = fake.created[0]["input_reference"]
    assert reference.startswith(b"\x89PNG")
    assert steps == sorted(steps)
    assert steps[-1] == 1.0


def test_remote_failure_fails_the_job_with_the_reason(fake, settings, user):
    fake.mode = "fail"
    job = _job(settings, user)
    assert render_job(job.id) == JobState.FAILED
    job.refresh_from_db()
    assert job.blocked_reason == "remote_failed"
    assert "moderation_blocked upstream" in job.errors[-1]["error"]


def test_never_finishing_remote_job_is_deleted_at_the_deadline(fake, settings, user):
    fake.mode = "never"
    settings.GENERATION_REMOTE_DEADLINE_S = 0.3
    job = _job(settings, user)
    assert render_job(job.id) == JobState.FAILED
    job.refresh_from_db()
    assert job.blocked_reason == "remote_timeout"
    assert fake.deleted == ["video_1"]


def test_timeouts_are_retried_then_fail_and_a_503_is_retried(fake, settings, user):
    """A status call slower than the timeout is retried with backoff, then fails the job
    (remote_unavailable); a single 503 is retried and the job finishes."""
    fake.mode = "slow"
    settings.GENERATION_REMOTE_TIMEOUT_S = 0.2
    settings.GENERATION_REMOTE_RETRIES = 1
    job = _job(settings, user)
    assert render_job(job.id) == JobState.FAILED
    job.refresh_from_db()
    assert job.blocked_reason == "remote_unavailable"
    assert fake.calls.count("GET /v1/videos/video_1") == 2

    fake.mode = "flaky"
    settings.GENERATION_REMOTE_TIMEOUT_S = 5.0
    job = _job(settings, user)
    assert render_job(job.id) == JobState.READY


def test_cancelling_our_job_deletes_the_remote_one(fake, settings):
    fake.mode = "never"
    calls: list[float] = []
    ctx = RenderContext(on_progress=calls.append, should_stop=lambda: len(calls) >= 2)
    with pytest.raises(RenderCancelled):
        RemoteVideosBackend().render(_request(), ctx)
    assert fake.deleted == ["video_1"]


def test_standard_webhooks_signatures(fake, settings):
    """Deliveries verify by the Standard Webhooks scheme; a wrong signature, a stale timestamp or
    a missing header is refused; a verified video.completed wakes the waiting render."""
    body = json.dumps({"type": "video.completed", "data": {"id": "video_9"}}).encode()
    now = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign_webhook(SECRET, msg_id="msg_1", timestamp=now, body=body),
    }
    assert verify_webhook(SECRET, headers, body)["type"] == "video.completed"
    with pytest.raises(WebhookInvalid):
        verify_webhook(SECRET, {**headers, "webhook-signature": "v1,AAAA"}, body)
    with pytest.raises(WebhookInvalid):
        verify_webhook(SECRET, headers, body, now=now + 3600)
    with pytest.raises(WebhookInvalid):
        verify_webhook(SECRET, {k: v for k, v in headers.items() if k != "webhook-id"}, body)
    with pytest.raises(WebhookInvalid):
        webhook_receive(headers, body)  # not configured
    settings.GENERATION_REMOTE_WEBHOOK_SECRET = SECRET
    cache.delete("generation:remote-video:video_9")
    webhook_receive(headers, body)
    assert cache.get("generation:remote-video:video_9") == "video.completed"


def test_webhook_door_takes_only_signed_deliveries(client, settings):
    """`POST /hooks/videos`: 404 while unconfigured; a bad signature is 400 and records nothing; a
    signed delivery is 204 and wakes the waiting render."""
    body = json.dumps({"type": "video.failed", "data": {"id": "video_7"}}).encode()
    now = int(time.time())
    headers = {
        "HTTP_WEBHOOK_ID": "msg_7",
        "HTTP_WEBHOOK_TIMESTAMP": str(now),
        "HTTP_WEBHOOK_SIGNATURE": sign_webhook(SECRET, msg_id="msg_7", timestamp=now, body=body),
    }
    cache.delete("generation:remote-video:video_7")
    settings.GENERATION_REMOTE_WEBHOOK_SECRET = ""
    assert client.post("/hooks/videos", body, content_type="application/json", **headers).status_code == 404
    settings.GENERATION_REMOTE_WEBHOOK_SECRET = SECRET
    forged = {**headers, "HTTP_WEBHOOK_SIGNATURE": "v1,AAAA"}
    refused = client.post("/hooks/videos", body, content_type="application/json", **forged)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_webhook"
    assert cache.get("generation:remote-video:video_7") is None
    assert client.get("/hooks/videos").status_code == 405
    taken = client.post("/hooks/videos", body, content_type="application/json", **headers)
    assert taken.status_code == 204
    assert cache.get("generation:remote-video:video_7") == "video.failed"
