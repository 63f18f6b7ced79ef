"""Factories for generation: jobs in any state, and real image files for uploads."""

from __future__ import annotations

import io
from pathlib import Path

import factory
import numpy as np
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from generation import pipeline
from generation.backends import RenderContext, RenderRequest
from generation.backends.procedural import ProceduralBackend
from generation.models import GenerationJob
from generation.states import JobState
from tests.accounts.factories import UserFactory


class GenerationJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenerationJob

    user = factory.SubFactory(UserFactory)
    mode = "text"
    prompt = factory.Sequence(lambda n: f"a paper boat number {n} sailing at dawn")
    seed = 7
    duration_s = 2
    aspect = "9:16"
    width = 144
    height = 256
    fps = 12
    state = "queued"
    state_changed_at = factory.LazyFunction(timezone.now)
    heartbeat_at = factory.LazyFunction(timezone.now)
    backend = "procedural"


def finishing_job(**fields: object) -> GenerationJob:
    """A job a worker has rendered (on its first attempt unless `attempts` says otherwise) and is
    about to store; `fields` override the factory's."""
    return GenerationJobFactory(**{"state": JobState.FINISHING, "attempts": 1, **fields})


def render_and_finish(job: GenerationJob, *, attempt: int = 1, request: RenderRequest | None = None) -> str:
    """Render `job` (or `request`) with the procedural backend and store it through `pipeline.finish`
    as attempt `attempt`; answers the state the job ends in."""
    result = ProceduralBackend().render(request or pipeline.build_request(job), RenderContext())
    return pipeline.finish(
        job=job, attempt=attempt, frames=result.frames, audio=result.audio, sample_rate=result.sample_rate
    )


def image_bytes(width: int = 320, height: int = 240, fmt: str = "PNG", seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format=fmt)
    return out.getvalue()


def face_image_path() -> str:
    import insightface

    return str(Path(insightface.__file__).parent / "data" / "images" / "Tom_Hanks_54745.png")


def stored_video_bytes(job: GenerationJob) -> bytes:
    """The bytes of a ready job's stored video."""
    with default_storage.open(job.video, "rb") as handle:
        return handle.read()
