"""A job from request to signed video, through the real worker: progress, cancel, worker death."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.storage import default_storage
from django.utils import timezone

from generation import media, pipeline, provenance, services
from generation.backends import RenderContext
from generation.backends.procedural import ProceduralBackend
from generation.models import GenerationJob, OutputFrameEmbedding
from generation.states import JobState
from generation.tasks import render_job
from sora_social.asgi import application
from tests.accounts.factories import UserFactory
from tests.conftest import bearer
from tests.generation import backends
from tests.generation.conftest import wait_finished, wait_for
from tests.generation.factories import (
    GenerationJobFactory,
    finishing_job,
    render_and_finish,
    stored_video_bytes,
)

pytestmark = pytest.mark.django_db(transaction=True)

PIPELINE = [
    JobState.QUEUED,
    JobState.CHECKING_PROMPT,
    JobState.WAITING_FOR_GPU,
    JobState.RENDERING,
    JobState.CHECKING_OUTPUT,
    JobState.FINISHING,
    JobState.READY,
]


def _files_of(job: GenerationJob) -> list[str]:
    # Output names are random (rule 10); each test has its own media root, so every
    # private file there belongs to the test's one job.
    base = "private"
    found: list[str] = []

    def walk(path: str) -> None:
        if not default_storage.exists(path):
            return
        dirs, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk(base)
    return found


async def test_text_job_becomes_a_signed_watermarked_mp4_with_progress(inprocess_worker, client_for):
    """POST → 202; the socket hears every stage (rendering from the gpu task) and the finish; the
    MP4 plays with audio, carries the visible mark and a C2PA manifest that validates as Trusted."""
    user = await database_sync_to_async(UserFactory)()
    socket = WebsocketCommunicator(application, f"/ws/?token={bearer(user)}")
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # hello
    client = client_for(user)
    response = await sync_to_async(client.post)(
        "/api/v1/generations",
        {"mode": "text", "prompt": "paper lanterns over a river", "seed": 11},
        format="json",
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response.json()["state"] == "queued"

    events = []
    while True:
        event = await socket.receive_json_from(timeout=60)
        assert event["id"] == job_id
        events.append(event)
        if event["type"] == "generation.finished":
            break
    await socket.disconnect()
    assert events[-1] == {"type": "generation.finished", "id": job_id, "state": "ready"}
    states = [e["state"] for e in events if e["type"] == "generation.progress"]
    assert [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]] == PIPELINE
    rendering = [
        e["progress"] for e in events if e["type"] == "generation.progress" and e["state"] == "rendering"
    ]
    assert len(rendering) >= 5
    assert rendering == sorted(rendering)

    detail = (await sync_to_async(client.get)(f"/api/v1/generations/{job_id}")).json()
    assert detail["state"] == "ready"
    assert detail["video_url"].split("?")[0].endswith("video.mp4")
    assert detail["poster_url"].split("?")[0].endswith("poster.jpg")
    assert "sig=" in detail["video_url"]  # a draft: signed, short-lived
    assert detail["blocked_reason"] is None

    job = await database_sync_to_async(GenerationJob.objects.get)(pk=int(job_id))
    data = await database_sync_to_async(stored_video_bytes)(job)
    info = media.probe_mp4(data)
    assert info["video"]["codec"] == "h264"
    assert (info["video"]["width"], info["video"]["height"]) == (144, 256)
    assert info["video"]["frames"] == 24
    assert info["audio"]["codec"] == "aac"

    # The mark: the decoded video differs from the unmarked render inside the
    # mark's box, and hardly at all elsewhere (only compression noise).
    raw = ProceduralBackend().render(pipeline.build_request(job), RenderContext()).frames.astype(int)
    decoded = media.decode_frames(data).astype(int)
    for index in (0, 23):
        box = media.watermark_box(
            index, width=144, height=256, fps=12, text="Sora Social · AI", handle=user.username, frames=24
        )
        diff = np.abs(decoded[index] - raw[index]).mean(axis=2)
        inside = diff[box.y0 : box.y1, box.x0 : box.x1].mean()
        outside = np.delete(diff, np.s_[box.y0 : box.y1], axis=0).mean()
        assert inside > 30, inside
        assert outside < 8, outside

    report = provenance.read_manifest(data, trust_anchors_pem=provenance.signing_material().trust_anchors_pem)
    assert report.validation_state == "Trusted"
    assert report.failures == []
    assert report.label == job.manifest_label
    created = report.assertion("c2pa.actions.v2")["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    assert report.assertion(provenance.CAMEO_ASSERTION) == {
        "generation_id": job_id,
        "cameo_ids": [],
        "consent": "checked_at_submit_and_before_storing",
        "remix_of": None,
    }
    assert job.embedding is not None
    assert len(job.embedding) == media.DESCRIPTOR_DIM
    assert job.embedding_model == media.DESCRIPTOR_MODEL
    count = await database_sync_to_async(OutputFrameEmbedding.objects.filter(job_id=job.id).count)()
    assert count == 8
    assert job.checks["prompt"]["moderation.check_prompt"]["decision"] == "allow"
    assert job.checks["output"]["moderation.check_frames"]["decision"] == "allow"
    assert job.checks["output"]["cameos.detect_likeness"]["decision"] == "allow"


def test_blocked_prompt_spends_no_gpu_time_and_says_why(inprocess_worker, user, finished_signals):
    """A prompt the moderation checks block ends `blocked` from checking_prompt, before any render."""
    job = services.job_submit(user=user, mode="text", prompt="a nude beach at noon")
    job = wait_finished(job.id)
    assert job.state == JobState.BLOCKED
    assert job.blocked_reason.startswith("prompt_not_allowed")
    assert job.attempts == 0
    assert job.video == ""
    wait_for(lambda: finished_signals)
    assert [s["state"] for s in finished_signals] == ["blocked"]


def test_cancel_mid_render_leaves_no_output(inprocess_worker, user, client_for, settings):
    """DELETE while the GPU task renders: the job ends cancelled, the render stops, nothing is stored."""
    name = f"gated-{uuid.uuid4().hex[:6]}"
    gate = backends.install(name, backends.GatedBackend())
    settings.GENERATION_BACKEND = name
    client = client_for(user)
    job_id = client.post(
        "/api/v1/generations", {"mode": "text", "prompt": "slow clouds"}, format="json"
    ).json()["id"]
    assert gate.reached.wait(30)
    assert GenerationJob.objects.get(pk=int(job_id)).state == JobState.RENDERING

    response = client.delete(f"/api/v1/generations/{job_id}")
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    gate.release.set()
    assert gate.ended.wait(30)
    assert gate.outcome == "RenderCancelled"

    job = GenerationJob.objects.get(pk=int(job_id))
    assert job.state == JobState.CANCELLED
    assert job.video == ""
    assert job.poster == ""
    assert _files_of(job) == []
    assert client.get(f"/api/v1/generations/{job_id}").json()["video_url"] is None
    assert client.delete(f"/api/v1/generations/{job_id}").status_code == 409


def test_worker_killed_mid_render_is_reconciled_and_finishes_exactly_once(
    inprocess_worker, user, settings, finished_signals
):
    """The first render dies after its first step; the reconciler takes the job back once it is
    stale, a second attempt finishes it, and running everything again changes nothing."""
    name = f"dies-{uuid.uuid4().hex[:6]}"
    backend = backends.install(name, backends.DiesOnceBackend())
    settings.GENERATION_BACKEND = name
    job = GenerationJobFactory(
        user=user, prompt="a kite in a storm", seed=5, state=JobState.WAITING_FOR_GPU, backend=name
    )
    with pytest.raises(backends.WorkerKilled):
        pipeline.job_render(job_id=job.id)  # the "worker" dies here, in this thread
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.RENDERING, 1)

    # Not yet stale: the reconciler leaves a job that might still be rendering alone.
    assert services.jobs_reconcile()["taken_back"] == 0
    GenerationJob.objects.filter(pk=job.id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert services.jobs_reconcile() == {"renudged": 0, "taken_back": 1, "failed": 0}

    job = wait_finished(job.id)
    assert job.state == JobState.READY
    assert job.attempts == 2
    assert backend.renders == 2
    assert any("worker lost in rendering" in e["error"] for e in job.errors)
    assert _files_of(job) == [job.video, job.poster] or sorted(_files_of(job)) == sorted(
        [job.video, job.poster]
    )
    assert job.video.startswith("private/")
    assert str(job.id) not in job.video

    # Redelivered messages and later reconciler runs do nothing more.
    render_job.apply(args=(job.id,))
    GenerationJob.objects.filter(pk=job.id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert services.jobs_reconcile() == {"renudged": 0, "taken_back": 0, "failed": 0}
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.READY, 2)
    wait_for(lambda: finished_signals)
    assert [s["state"] for s in finished_signals if s["job_id"] == job.id] == ["ready"]
    assert OutputFrameEmbedding.objects.filter(job_id=job.id).count() == 8


def test_stale_worker_cannot_finish_a_job_taken_back(user):
    """A worker that lost its job (attempt moved on) gets StaleTransition and stores nothing."""
    job = finishing_job(user=user, prompt="x", seed=1, attempts=2)
    with pytest.raises(services.StaleTransition):
        render_and_finish(job, attempt=1)
    job.refresh_from_db()
    assert job.state == JobState.FINISHING
    assert _files_of(job) == []


def test_reconciler_renudges_lost_messages_and_fails_after_max_attempts(user, settings):
    """Queued and waiting jobs get their message again; a job whose workers keep dying fails."""
    old = timezone.now() - timedelta(hours=1)
    common = {
        "user": user,
        "mode": "text",
        "prompt": "p",
        "seed": 1,
        "duration_s": 2,
        "width": 144,
        "height": 256,
        "fps": 12,
        "state_changed_at": old,
        "heartbeat_at": old,
        "backend": "procedural",
    }
    queued = GenerationJob.objects.create(state=JobState.QUEUED, **common)
    waiting = GenerationJob.objects.create(state=JobState.WAITING_FOR_GPU, **common)
    spent = GenerationJob.objects.create(
        state=JobState.RENDERING, attempts=settings.GENERATION_MAX_ATTEMPTS, **common
    )
    fresh = GenerationJob.objects.create(
        state=JobState.RENDERING, attempts=1, **{**common, "heartbeat_at": timezone.now()}
    )
    counts = services.jobs_reconcile()
    assert counts == {"renudged": 2, "taken_back": 0, "failed": 1}
    spent.refresh_from_db()
    assert spent.state == JobState.FAILED
    assert "no attempts left" in spent.errors[-1]["error"]
    fresh.refresh_from_db()
    assert fresh.state == JobState.RENDERING
    for job in (queued, waiting):
        job.refresh_from_db()
        assert job.heartbeat_at > old
