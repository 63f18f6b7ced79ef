"""The audio stage: foley for silent renders, skipped for backends with their own sound; dialogue carried."""

from __future__ import annotations

import numpy as np

from generation.backends import RenderContext, RenderRequest, RenderResult
from generation.backends.audio import FOLEY_RATE, FoleyAudio, ModelAudio, with_soundtrack
from generation.backends.procedural import ProceduralBackend
from generation.dialogue import dialogue_lines

PROMPT = 'a lighthouse keeper shouts "storm is coming" as waves hit the rocks'


def _request() -> RenderRequest:
    return RenderRequest(
        prompt=PROMPT,
        seed=9,
        duration_s=2,
        width=144,
        height=256,
        fps=12,
        dialogue=tuple(dialogue_lines(PROMPT)),
    )


def test_silent_render_gets_foley_that_follows_the_picture():
    request = _request()
    frames = ProceduralBackend().render(request, RenderContext()).frames
    silent = RenderResult(frames=frames, audio=None, sample_rate=0, model_id="m")
    first = with_soundtrack(request, silent)
    again = with_soundtrack(request, silent)
    assert first.audio is not None
    assert first.audio.shape == (1, 2 * FOLEY_RATE)
    assert first.sample_rate == FOLEY_RATE
    assert np.array_equal(first.audio, again.audio)  # deterministic per seed
    assert float(np.abs(first.audio).max()) <= 1.0
    still = np.repeat(frames[:1], len(frames), axis=0)
    calm = FoleyAudio().render(request, still).audio
    # The sound follows the picture: the same seed over a still picture sounds different.
    assert not np.array_equal(first.audio, calm)
    assert first.model_id == "m"


def test_backends_with_their_own_sound_skip_the_stage():
    request = _request()
    own = ProceduralBackend().render(request, RenderContext())
    assert with_soundtrack(request, own) is own


def test_dialogue_reaches_the_audio_model_prompt():
    request = _request()
    assert request.dialogue == ("storm is coming",)
    assert ModelAudio.text(request) == f'{PROMPT}. Dialogue: "storm is coming"'
