"""The audio stage: a soundtrack for renders whose backend makes no sound.

A video backend that makes its own audio (procedural, LTX-2, a remote
`/v1/videos` service) returns it in `RenderResult.audio` and this stage is
skipped. Otherwise `GENERATION_AUDIO_BACKEND` picks an `AudioBackend`:

- `foley` (default): procedural foley from the frames themselves, deterministic
  per seed: a noise bed whose loudness follows how much the picture moves,
  a low tone whose pitch follows brightness, and a soft hit on each cut or
  sudden change.
- `model`: a text-to-audio model that `transformers` runs
  (`pipeline("text-to-audio")`: MusicGen, Stable Audio Open via its
  transformers port, ...) from `GENERATION_AUDIO_MODEL_PATH`, loaded once per
  worker process, prompted with the prompt and its quoted dialogue lines.

The prompt's dialogue lines (`RenderRequest.dialogue`) reach this stage; when
a backend voices them, they are the transcript the output checks read (they
were checked one by one at the prompt check, too).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol, cast

import numpy as np
from django.conf import settings

from generation.backends.base import RenderRequest, RenderResult

FOLEY_RATE = 48_000


@dataclass(frozen=True)
class Soundtrack:
    audio: np.ndarray  # (channels, samples) float32 in [-1, 1]
    sample_rate: int
    model_id: str
    transcript: str | None = None


class AudioBackend(Protocol):
    name: str

    def render(self, request: RenderRequest, frames: np.ndarray) -> Soundtrack: ...


class FoleyAudio:
    """Procedural foley that follows the picture (CPU, deterministic)."""

    name = "foley"

    def render(self, request: RenderRequest, frames: np.ndarray) -> Soundtrack:
        n = len(frames)
        total = round(n * FOLEY_RATE / request.fps)
        small = frames[:, ::8, ::8].astype(np.float32) / 255.0
        motion = np.concatenate([[0.0], np.abs(np.diff(small, axis=0)).mean(axis=(1, 2, 3))])
        brightness = small.mean(axis=(1, 2, 3))
        frame_t = np.arange(n) / request.fps
        t = np.arange(total) / FOLEY_RATE
        rng = np.random.default_rng(request.seed)
        # A bed of filtered noise, louder when the picture moves.
        noise = np.convolve(rng.standard_normal(total), np.ones(24) / 24, mode="same")
        bed = noise * (0.05 + 2.5 * np.interp(t, frame_t, motion))
        tone_hz = 70 + 110 * np.interp(t, frame_t, brightness)
        tone = 0.08 * np.sin(2 * np.pi * np.cumsum(tone_hz) / FOLEY_RATE)
        out = bed + tone
        hit = np.exp(-np.arange(FOLEY_RATE // 8) / (FOLEY_RATE / 30)) * np.sin(
            2 * np.pi * 110 * np.arange(FOLEY_RATE // 8) / FOLEY_RATE
        )
        threshold = max(0.08, float(motion.mean() + 3 * motion.std()))
        for f in np.nonzero(motion > threshold)[0]:
            start = int(f * FOLEY_RATE / request.fps)
            length = min(len(hit), total - start)
            out[start : start + length] += 0.5 * hit[:length]
        peak = float(np.abs(out).max()) or 1.0
        return Soundtrack((out / peak * 0.6).astype(np.float32)[None, :], FOLEY_RATE, "foley-v1")


class ModelAudio:
    """A transformers text-to-audio model from a local directory, loaded once per process."""

    name = "model"

    def __init__(self) -> None:
        from transformers import pipeline

        path = settings.GENERATION_AUDIO_MODEL_PATH
        if not path:
            raise ValueError("GENERATION_AUDIO_BACKEND=model needs GENERATION_AUDIO_MODEL_PATH")
        device = cast(str, settings.GENERATION_DIFFUSERS_DEVICE)
        self.pipe = pipeline("text-to-audio", model=path, device=device if device != "cuda" else 0)
        self.model_id = f"audio:{str(path).rstrip('/').rsplit('/', 1)[-1]}"
        self._lock = threading.Lock()

    @staticmethod
    def text(request: RenderRequest) -> str:
        """What the model is asked for: the scene, then the lines to be voiced."""
        lines = "; ".join(f'"{line}"' for line in request.dialogue)
        return f"{request.prompt}. Dialogue: {lines}" if lines else request.prompt

    def render(self, request: RenderRequest, frames: np.ndarray) -> Soundtrack:
        import torch

        with self._lock:
            torch.manual_seed(request.seed)
            out = cast(dict[str, Any], self.pipe(self.text(request), forward_params={"do_sample": True}))
        audio = np.asarray(out["audio"], np.float32)
        audio = audio.reshape(-1, audio.shape[-1])
        rate = int(out["sampling_rate"])
        want = int(len(frames) / request.fps * rate)
        if audio.shape[1] < want:  # loop a short clip to the video's length
            audio = np.tile(audio, (1, -(-want // audio.shape[1])))
        audio = audio[:, :want]
        peak = float(np.abs(audio).max()) or 1.0
        transcript = "\n".join(request.dialogue) or None
        return Soundtrack((audio / max(1.0, peak)).astype(np.float32), rate, self.model_id, transcript)


_instances: dict[str, AudioBackend] = {}
_lock = threading.Lock()


def get_audio_backend() -> AudioBackend:
    """The configured audio backend, built once per process."""
    name = cast(str, settings.GENERATION_AUDIO_BACKEND)
    with _lock:
        if name not in _instances:
            _instances[name] = ModelAudio() if name == "model" else FoleyAudio()
        return _instances[name]


def with_soundtrack(request: RenderRequest, result: RenderResult) -> RenderResult:
    """The render with a soundtrack: its own, or the audio stage's (`backends.audio`)."""
    if result.audio is not None:
        return result
    sound = get_audio_backend().render(request, result.frames)
    transcript = "\n".join(t for t in (result.transcript, sound.transcript) if t) or None
    return RenderResult(
        frames=result.frames,
        audio=sound.audio,
        sample_rate=sound.sample_rate,
        model_id=result.model_id,
        transcript=transcript,
    )
