"""Storyboards: a request's shots rendered in order by any backend, joined into one clip.

Each shot is a render of its own prompt and length. When the backend's
renders follow a still (`image_conditioning`), each later shot starts from
the previous shot's last frame, so the clip flows; otherwise shots cut. The
cast cameos' faces go to the first shot only when shots flow (the likeness
carries through the frames), to every shot when they cut. Progress is per
shot: shot `i` of `n` covers [i/n, (i+1)/n] of the render, and `on_shot(i, n)`
is told when a shot starts. The frames and soundtracks are concatenated here;
the pipeline then encodes the whole clip once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from generation.backends.base import Backend, RenderContext, RenderRequest, RenderResult, Shot
from generation.dialogue import dialogue_lines


class _ShotContext(RenderContext):
    """A shot's steps, reported as the whole render's progress."""

    def __init__(self, outer: RenderContext, index: int, count: int) -> None:
        super().__init__()
        self.outer, self.index, self.count = outer, index, count

    def step(self, fraction: float) -> None:
        self.steps += 1
        self.outer.step((self.index + min(1.0, max(0.0, fraction))) / self.count)


def _resampled(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return audio
    length = int(audio.shape[1] * target / rate)
    src, dst = np.arange(audio.shape[1]) / rate, np.arange(length) / target
    return np.stack([np.interp(dst, src, ch) for ch in audio]).astype(np.float32)


def _join(request: RenderRequest, results: list[RenderResult]) -> RenderResult:
    frames = np.concatenate([r.frames for r in results])
    transcripts = [r.transcript for r in results if r.transcript]
    sounds = [r for r in results if r.audio is not None]
    audio, rate = None, 0
    if sounds and len(sounds) == len(results):
        rate = sounds[0].sample_rate
        parts = [_resampled(r.audio, r.sample_rate, rate) for r in sounds if r.audio is not None]
        channels = max(p.shape[0] for p in parts)
        audio = np.concatenate([np.repeat(p, channels // p.shape[0], axis=0) for p in parts], axis=1)
    return RenderResult(
        frames=frames,
        audio=audio,
        sample_rate=rate,
        model_id=results[0].model_id,
        transcript="\n".join(t for t in transcripts if t) or None,
    )


def render_shots(
    backend: Backend,
    request: RenderRequest,
    ctx: RenderContext,
    *,
    on_shot: Callable[[int, int], None] | None = None,
) -> RenderResult:
    """Render `request` (its storyboard's shots in order, or the one clip) with `backend`."""
    if not request.shots:
        return backend.render(request, ctx)
    flows = bool(getattr(backend, "image_conditioning", False))
    shots: tuple[Shot, ...] = request.shots
    image = request.conditioning_image
    results: list[RenderResult] = []
    for index, shot in enumerate(shots):
        if on_shot is not None:
            on_shot(index, len(shots))
        sub = replace(
            request,
            prompt=shot.prompt,
            duration_s=shot.duration_s,
            seed=request.seed + index,
            conditioning_image=image,
            cameo_images=request.cameo_images if index == 0 or not flows else {},
            shots=(),
            dialogue=tuple(dialogue_lines(shot.prompt)),
        )
        result = backend.render(sub, _ShotContext(ctx, index, len(shots)))
        results.append(result)
        if flows:
            image = result.frames[-1]
    joined = _join(request, results)
    ctx.step(1.0)
    return joined
