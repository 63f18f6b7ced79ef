"""The diffusers backend with real (toy-sized, random-weight) Wan and LTX pipelines on CPU.

The pipelines are built from configs here (2-layer transformers, tiny VAEs,
tiny UMT5/T5 encoders, the byte-level ByT5 tokenizer: nothing downloaded) and
saved to a temporary directory the backend loads from, as it would load real
weights. Renders are 2 denoising steps at 32×48, fitted to the job's frame.
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from generation import media, provenance
from generation.backends import RenderCancelled, RenderContext, RenderRequest, register_backend
from generation.backends.diffusers_backend import DiffusersBackend
from generation.backends.tiny import build_tiny_pipeline
from generation.models import GenerationJob
from generation.states import JobState
from generation.tasks import render_job
from sora_social.asgi import application
from tests.accounts.factories import UserFactory
from tests.conftest import bearer
from tests.generation.factories import GenerationJobFactory, stored_video_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: Any) -> dict[str, str]:
    root = tmp_path_factory.mktemp("tiny-video")
    return {kind: str(build_tiny_pipeline(kind, root / kind)) for kind in ("wan", "wan-i2v", "ltx", "ltx2")}


def _configure(settings: Any, path: str, i2v: str | None = None) -> str:
    settings.GENERATION_DIFFUSERS_PATH = path
    settings.GENERATION_DIFFUSERS_I2V_PATH = i2v
    settings.GENERATION_DIFFUSERS_PRECISION = "fp32"
    settings.GENERATION_DIFFUSERS_DEVICE = "cpu"
    settings.GENERATION_DIFFUSERS_STEPS = 2
    settings.GENERATION_DIFFUSERS_GUIDANCE = 1.0
    settings.GENERATION_DIFFUSERS_WIDTH = 32
    settings.GENERATION_DIFFUSERS_HEIGHT = 48
    settings.GENERATION_DIFFUSERS_FRAMES = 9
    settings.GENERATION_DIFFUSERS_FPS = 8
    name = f"diffusers-{uuid.uuid4().hex[:6]}"
    register_backend(name, DiffusersBackend)  # a fresh load for this test's settings
    settings.GENERATION_BACKEND = name
    return name


def _request(**fields: Any) -> RenderRequest:
    return RenderRequest(
        **{
            "prompt": "a red kite",
            "seed": 4,
            "duration_s": 2,
            "width": 144,
            "height": 256,
            "fps": 12,
            **fields,
        }
    )


async def test_wan_job_runs_the_whole_pipeline(inprocess_worker, client_for, settings, tiny_models):
    """A text job on the tiny Wan pipeline: every stage over the socket, progress from the
    step-end callback, then a watermarked 144×256 H.264 + AAC (audio stage: foley) MP4 whose C2PA
    manifest names the model and validates as Trusted."""
    _configure(settings, tiny_models["wan"], tiny_models["wan-i2v"])
    user = await database_sync_to_async(UserFactory)()
    socket = WebsocketCommunicator(application, f"/ws/?token={bearer(user)}")
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # hello
    response = await sync_to_async(client_for(user).post)(
        "/api/v1/generations", {"mode": "text", "prompt": "a red kite over dunes", "seed": 3}, format="json"
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    events = []
    while True:
        event = await socket.receive_json_from(timeout=600)
        events.append(event)
        if event["type"] == "generation.finished":
            break
    await socket.disconnect()
    assert events[-1] == {"type": "generation.finished", "id": job_id, "state": "ready"}
    rendering = [e["progress"] for e in events if e.get("state") == "rendering"]
    # Two chunks (2 s at 8 fps native in 9-frame chunks) × 2 steps, plus the claim and the end.
    assert len(rendering) >= 5
    assert rendering == sorted(rendering)

    job = await database_sync_to_async(GenerationJob.objects.get)(pk=int(job_id))
    data = await database_sync_to_async(stored_video_bytes)(job)
    info = media.probe_mp4(data)
    assert (info["video"]["width"], info["video"]["height"], info["video"]["frames"]) == (144, 256, 24)
    assert info["audio"]["codec"] == "aac"
    report = provenance.read_manifest(data, trust_anchors_pem=provenance.signing_material().trust_anchors_pem)
    assert report.validation_state == "Trusted"
    created = report.assertion("c2pa.actions.v2")["actions"][0]
    assert "wan2.1:wan" in str(created["softwareAgent"])
    assert job.checks["output"]["moderation.check_frames"]["decision"] == "allow"


def test_render_is_deterministic_fitted_and_conditioned(settings, tiny_models):
    """Same seed, same frames; another seed, others. The output is the request's size and frame
    count; image-to-video starts from the still (its first frame resembles it)."""
    _configure(settings, tiny_models["wan"], tiny_models["wan-i2v"])
    backend = DiffusersBackend()
    assert backend.image_conditioning
    first = backend.render(_request(), RenderContext())
    again = backend.render(_request(), RenderContext())
    other = backend.render(_request(seed=5), RenderContext())
    assert first.frames.shape == (24, 256, 144, 3)
    assert first.audio is None  # Wan makes no sound: the audio stage will
    assert np.array_equal(first.frames, again.frames)
    assert not np.array_equal(first.frames, other.frames)

    still = np.zeros((256, 144, 3), np.uint8)
    still[:, :, 0] = 255
    red = backend.render(_request(conditioning_image=still), RenderContext()).frames
    blue_still = still[..., ::-1].copy()
    blue = backend.render(_request(conditioning_image=blue_still), RenderContext()).frames
    assert not np.array_equal(red, blue)


def test_cancel_between_steps_and_ltx(settings, tiny_models):
    """A job cancelled during a render stops at the next step (RenderCancelled); LTX-Video renders
    through the same code and derives its image-to-video twin without a second load."""
    _configure(settings, tiny_models["ltx"])
    settings.GENERATION_DIFFUSERS_WIDTH, settings.GENERATION_DIFFUSERS_HEIGHT = 32, 64
    backend = DiffusersBackend()
    assert backend.family == "ltx"
    assert backend.image_conditioning
    steps: list[float] = []
    ctx = RenderContext(on_progress=steps.append, should_stop=lambda: len(steps) >= 1)
    with pytest.raises(RenderCancelled):
        backend.render(_request(), ctx)
    assert len(steps) == 1
    result = backend.render(_request(duration_s=1), RenderContext())
    assert result.frames.shape == (12, 256, 144, 3)


def test_ltx2_makes_its_own_sound_and_the_audio_stage_stands_aside(settings, tiny_models):
    """LTX-2 renders picture and sound together: the backend says so, returns the vocoder's sound
    at its rate (cut to the clip), and the audio stage keeps it; its image-to-video twin takes a
    still without a second load."""
    from generation.backends.audio import with_soundtrack

    _configure(settings, tiny_models["ltx2"])
    settings.GENERATION_DIFFUSERS_WIDTH, settings.GENERATION_DIFFUSERS_HEIGHT = 32, 32
    backend = DiffusersBackend()
    assert backend.family == "ltx2"
    assert backend.makes_audio
    assert backend.image_conditioning
    request = _request(duration_s=1)
    steps: list[float] = []
    result = backend.render(request, RenderContext(on_progress=steps.append))
    assert result.frames.shape == (12, 256, 144, 3)
    assert steps[-1] == 1.0
    assert result.audio is not None
    assert result.sample_rate == 16000
    assert result.audio.shape[0] == 2  # the vocoder's stereo
    assert 0 < result.audio.shape[1] <= 16000
    assert np.isfinite(result.audio).all()
    assert with_soundtrack(request, result) is result
    still = np.zeros((256, 144, 3), np.uint8)
    still[..., 0] = 255
    from_still = backend.render(_request(duration_s=1, conditioning_image=still), RenderContext())
    assert from_still.frames.shape == (12, 256, 144, 3)
    assert from_still.audio is not None


def test_out_of_memory_fails_cleanly_and_the_worker_carries_on(settings, user, tiny_models):
    """torch's OutOfMemoryError from the pipeline ends the job `failed` (gpu_out_of_memory), no
    retry; the same loaded backend then renders the next job to `ready`."""
    import torch

    name = _configure(settings, tiny_models["wan"])
    from generation.backends import get_backend

    backend = get_backend(name)
    assert isinstance(backend, DiffusersBackend)
    real = backend.t2v

    def out_of_memory(**kwargs: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    backend.t2v = out_of_memory
    job = GenerationJobFactory(
        user=user, prompt="a kite", seed=2, state=JobState.WAITING_FOR_GPU, backend=name
    )
    assert render_job(job.id) == JobState.FAILED
    job.refresh_from_db()
    assert job.blocked_reason == "gpu_out_of_memory"
    assert job.attempts == 1
    assert "out of GPU memory" in job.errors[-1]["error"]

    backend.t2v = real
    job = GenerationJobFactory(
        user=user, prompt="a kite", seed=2, state=JobState.WAITING_FOR_GPU, backend=name
    )
    assert render_job(job.id) == JobState.READY


def test_a_missing_model_fails_the_job_with_its_reason(settings, user, tmp_path):
    """No pipeline where GENERATION_DIFFUSERS_PATH points (downloads off): `failed`,
    `model_not_found`, no retry."""
    name = _configure(settings, str(tmp_path / "nothing-here"))
    job = GenerationJobFactory(
        user=user, prompt="a kite", seed=2, state=JobState.WAITING_FOR_GPU, backend=name
    )
    assert render_job(job.id) == JobState.FAILED
    job.refresh_from_db()
    assert job.blocked_reason == "model_not_found"
    assert job.attempts == 1
