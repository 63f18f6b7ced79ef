"""The backend interface and the procedural CPU backend."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from generation.backends import RenderCancelled, RenderContext, RenderRequest, get_backend, register_backend
from generation.backends.procedural import SAMPLE_RATE, ProceduralBackend
from tests.generation.factories import face_image_path


def _request(**overrides):  # type: ignore[no-untyped-def]
    base = {
        "prompt": "a red fox dancing in the snow",
        "seed": 7,
        "duration_s": 2,
        "width": 144,
        "height": 256,
        "fps": 12,
    }
    return RenderRequest(**{**base, **overrides})


def test_same_prompt_and_seed_render_identically():
    """Deterministic: frames and samples are equal bit for bit across runs."""
    a = ProceduralBackend().render(_request(), RenderContext())
    b = ProceduralBackend().render(_request(), RenderContext())
    assert np.array_equal(a.frames, b.frames)
    assert np.array_equal(a.audio, b.audio)


def test_output_shapes_follow_the_request():
    """N = duration × fps frames of the requested size, and duration × rate audio samples."""
    result = ProceduralBackend().render(_request(), RenderContext())
    assert result.frames.shape == (24, 256, 144, 3)
    assert result.frames.dtype == np.uint8
    assert result.audio.shape == (1, 2 * SAMPLE_RATE)
    assert result.sample_rate == SAMPLE_RATE
    assert float(np.abs(result.audio).max()) > 0.1


def test_prompt_and_seed_change_the_picture():
    """Another seed or another prompt gives other frames."""
    base = ProceduralBackend().render(_request(), RenderContext()).frames
    other_seed = ProceduralBackend().render(_request(seed=8), RenderContext()).frames
    other_prompt = ProceduralBackend().render(_request(prompt="a blue whale singing"), RenderContext()).frames
    assert not np.array_equal(base, other_seed)
    assert not np.array_equal(base, other_prompt)


def test_frames_move():
    """Consecutive frames differ: the shapes are animated."""
    frames = ProceduralBackend().render(_request(), RenderContext()).frames.astype(np.int16)
    assert np.abs(frames[1:] - frames[:-1]).mean() > 0.5


def test_soundtrack_thumps_when_shapes_touch_the_floor():
    """Sound is in sync with motion: the audio right after each bounce frame is louder than elsewhere."""
    backend = ProceduralBackend()
    request = _request(duration_s=4)
    audio = backend.render(request, RenderContext()).audio[0]
    bounces = sorted({int(f) for frames in backend.bounce_frames(backend.motion(request)) for f in frames})
    assert bounces
    window = SAMPLE_RATE // 25
    onsets = [int(f * SAMPLE_RATE / request.fps) for f in bounces]
    at_bounce = np.mean([np.abs(audio[o : o + window]).mean() for o in onsets])
    quiet = np.ones(audio.shape[0], bool)
    for o in onsets:
        quiet[max(0, o - window) : o + 3 * window] = False
    assert quiet.any()
    assert at_bounce > 1.5 * np.abs(audio[quiet]).mean()


def test_conditioning_image_is_the_backdrop():
    """An image-to-video still shows through: frames are closer to it than without it."""
    still = np.zeros((256, 144, 3), np.uint8)
    still[:, :, 2] = 255  # pure blue
    plain = ProceduralBackend().render(_request(), RenderContext()).frames[5].astype(float)
    with_still = (
        ProceduralBackend()
        .render(_request(conditioning_image=still), RenderContext())
        .frames[5]
        .astype(float)
    )
    assert (
        with_still[..., 2].mean() - with_still[..., 0].mean()
        > plain[..., 2].mean() - plain[..., 0].mean() + 50
    )


def test_cameo_reference_face_is_composited():
    """A cast cameo's reference face appears in the frames (pixels copied from the reference)."""
    face = np.asarray(Image.open(face_image_path()).convert("RGB"))
    request = _request(width=288, height=512, cameo_images={42: [face]})
    frames = ProceduralBackend().render(request, RenderContext()).frames
    without = ProceduralBackend().render(_request(width=288, height=512), RenderContext()).frames
    changed = np.abs(frames[3].astype(int) - without[3].astype(int)).sum(axis=2) > 30
    side = int(min(288, 512) * 0.42)
    assert changed.sum() > 0.5 * side * side


def test_cancellation_between_steps():
    """When the context says stop, the render raises RenderCancelled at the next step."""
    calls = []

    def should_stop() -> bool:
        return len(calls) >= 2

    ctx = RenderContext(on_progress=calls.append, should_stop=should_stop)
    with pytest.raises(RenderCancelled):
        ProceduralBackend().render(_request(), ctx)
    assert len(calls) == 2
    assert calls == sorted(calls)


def test_progress_rises_to_one():
    """Progress is reported in steps, rising, ending at 1.0."""
    seen: list[float] = []
    ProceduralBackend().render(_request(), RenderContext(on_progress=seen.append))
    assert len(seen) >= 5
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_registry_builds_backends_once_and_by_dotted_path(settings):
    """Backends are built once per process; a dotted path names a class."""
    built = []

    class Counting(ProceduralBackend):
        def __init__(self) -> None:
            built.append(1)

    register_backend("counting", Counting)
    assert get_backend("counting") is get_backend("counting")
    assert len(built) == 1
    assert isinstance(get_backend("generation.backends.procedural.ProceduralBackend"), ProceduralBackend)
