"""Provenance fixtures: real outputs made by the procedural backend, hashed like the worker does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from generation.models import GenerationJob
from provenance import services
from tests.generation.conftest import use_small_renders
from tests.generation.factories import finishing_job, render_and_finish, stored_video_bytes


@pytest.fixture(autouse=True)
def small_renders(settings: Any, tmp_path: Any) -> Any:
    """8 s at 12 fps, 288×512: long enough that trimming a second at each end leaves most of it,
    large enough that a PDQ cell is more than a few macroblocks (real outputs are 720p)."""
    use_small_renders(settings, tmp_path, duration_s=8, fps=12)
    settings.GENERATION_SHORT_SIDE = 288
    return settings


@pytest.fixture
def made_output(db: Any) -> Callable[..., tuple[GenerationJob, bytes]]:
    """A ready job rendered and stored for real, then hashed as `provenance.hash_output` does."""

    def make(prompt: str = "a red fox jumping over a fence at dawn", seed: int = 1, **kw: Any) -> Any:
        job = finishing_job(prompt=prompt, seed=seed, duration_s=8, width=288, height=512, **kw)
        assert render_and_finish(job) == "ready"
        job.refresh_from_db()
        assert services.output_hash(job_id=job.id) is not None
        return job, stored_video_bytes(job)

    return make
