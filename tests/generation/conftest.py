"""Generation test fixtures: small, fast renders, media in a temporary directory, helpers to wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from generation.models import GenerationJob
from generation.signals import generation_finished


def use_small_renders(settings: Any, tmp_path: Any, *, duration_s: int = 2, fps: int = 12) -> Any:
    """9:16 at 144×256 with the procedural backend and media under `tmp_path`: every stage runs
    for real, in a fraction of a second."""
    settings.GENERATION_SHORT_SIDE = 144
    settings.GENERATION_DEFAULT_DURATION_S = duration_s
    settings.GENERATION_FPS = fps
    settings.GENERATION_BACKEND = "procedural"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings


@pytest.fixture(autouse=True)
def small_renders(settings: Any, tmp_path: Any) -> Any:
    """9:16 at 144×256, 2 s at 12 fps: every stage runs for real, in a fraction of a second."""
    return use_small_renders(settings, tmp_path)


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not met in time")


def wait_finished(job_id: int, timeout: float = 60.0) -> GenerationJob:
    from generation.states import TERMINAL

    return wait_for(
        lambda: GenerationJob.objects.filter(pk=job_id, state__in=TERMINAL).first(), timeout=timeout
    )


@pytest.fixture
def finished_signals() -> Iterator[list[dict[str, Any]]]:
    """Every `generation_finished` sent while the test runs (from any thread)."""
    seen: list[dict[str, Any]] = []
    lock = threading.Lock()

    def receiver(sender: Any, **kwargs: Any) -> None:
        with lock:
            seen.append(kwargs)

    generation_finished.connect(receiver, weak=False, dispatch_uid="test-finished")
    yield seen
    generation_finished.disconnect(dispatch_uid="test-finished")


@pytest.fixture
def cameo_of(enrol_face: Callable[..., Any]) -> Callable[..., Any]:
    """A verified cameo of a real person (0-5 from t1.jpg): reference crop stored, face in the registry."""
    from django.core.files.base import ContentFile

    from cameos.models import Audience
    from tests.cameos import media as cameo_media
    from tests.cameos.factories import CameoFactory

    def make(person: int, *, owner: Any = None, audience: str = Audience.EVERYONE) -> Any:
        cameo = CameoFactory(audience=audience, **({"owner": owner} if owner else {}))
        cameo.reference_image.save("reference.png", ContentFile(cameo_media.png_bytes(person)), save=True)
        return enrol_face(cameo, person)

    return make
