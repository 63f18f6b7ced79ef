"""The interface every render backend implements, CPU or GPU.

A backend turns a `RenderRequest` into frames and a soundtrack. It reports
progress through the `RenderContext` it is given and calls `ctx.step()`
between steps (a denoising step, a chunk of frames): that is where a
cancelled or taken-back job stops, by `RenderCancelled`. Backends know nothing
of jobs, the database or storage; the pipeline around them (watermark, encode,
C2PA, checks) is the same for every backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class RenderCancelled(Exception):
    """The job was cancelled (or taken back) between two steps; nothing is kept."""


class RenderFailed(Exception):
    """A render that cannot succeed by retrying (out of GPU memory, a mode the model cannot do):
    the job ends `failed` with `code` as its reason, and the worker carries on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Shot:
    """One shot of a storyboard: its prompt and its length."""

    prompt: str
    duration_s: int


@dataclass(frozen=True)
class RenderRequest:
    prompt: str
    seed: int
    duration_s: int
    width: int
    height: int
    fps: int
    style: str = ""
    aspect: str = "9:16"
    # RGB uint8 (H, W, 3): the still for image-to-video, or a remix's source frame.
    conditioning_image: np.ndarray | None = None
    # Cast cameos: cameo id -> reference face images (RGB uint8).
    cameo_images: dict[int, list[np.ndarray]] = field(default_factory=dict)
    # A storyboard's shots, in order (empty: one shot of `prompt` for `duration_s`).
    shots: tuple[Shot, ...] = ()
    # The prompt's quoted or spoken lines (`generation.dialogue`), for a backend that speaks.
    dialogue: tuple[str, ...] = ()

    @property
    def frame_count(self) -> int:
        return self.duration_s * self.fps


@dataclass
class RenderResult:
    frames: np.ndarray  # (N, H, W, 3) uint8 RGB, N == request.frame_count
    # (channels, samples) float32 in [-1, 1]; None when the backend makes no sound (the
    # pipeline's audio stage, `generation.backends.audio`, makes the soundtrack then).
    audio: np.ndarray | None
    sample_rate: int
    model_id: str = ""
    # What the soundtrack says or sings, one line per utterance, when the backend
    # produces speech (None: no speech). The output checks run the prompt check on it.
    transcript: str | None = None


class RenderContext:
    """What a backend may do to the world: say how far it got, and learn whether to stop."""

    def __init__(
        self,
        *,
        on_progress: Callable[[float], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._should_stop = should_stop
        self.steps = 0

    def step(self, fraction: float) -> None:
        """Report `fraction` (0..1) of the render done; raise if the job must stop."""
        self.steps += 1
        # Progress first: reporting it is also the heartbeat that tells the
        # worker whether the job is still its own.
        if self._on_progress is not None:
            self._on_progress(min(1.0, max(0.0, fraction)))
        if self._should_stop is not None and self._should_stop():
            raise RenderCancelled


class Backend(Protocol):
    """A render backend. Optional class attributes the pipeline reads with `getattr`:

    - `image_conditioning` (bool, default False): `conditioning_image` steers the render
      (image-to-video), so a storyboard's later shots start from the previous shot's last frame;
    - `makes_audio` (bool, default False): its `RenderResult.audio` is the soundtrack (the audio
      stage is skipped).
    """

    name: str

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult: ...
