"""A video model through our whole pipeline: seconds per 10 s clip, frames/s, peak VRAM, model share.

With a CUDA GPU and `GENERATION_DIFFUSERS_PATH` set, the configured model
renders one 10-second 720×1280 24 fps clip exactly as a gpu worker would
(`DiffusersBackend` with the operator's settings). Without them it builds the
toy random-weight Wan pipeline (`generation.backends.tiny`) and runs it on the
CPU at 32×48, 2 steps: the figures then measure the plumbing and our own
pipeline, not a model, and say so. After the render: the output checks
(moderation's frame classifiers, cameos' likeness detection), the moving
watermark, the one encode and C2PA signing, each timed, so the model's share
of the clip's time is known. Also reported: the batch sizes the CLIP frame
classifier and the face model see per clip on the same device.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any

from django.conf import settings
from django.test import override_settings

from generation import checks, media, provenance
from generation.backends import RenderContext, RenderRequest
from generation.backends.audio import with_soundtrack
from generation.backends.diffusers_backend import DiffusersBackend
from generation.backends.tiny import build_tiny_pipeline


def _tiny_settings(path: str) -> dict[str, Any]:
    return {
        "GENERATION_DIFFUSERS_PATH": path,
        "GENERATION_DIFFUSERS_I2V_PATH": None,
        "GENERATION_DIFFUSERS_PRECISION": "fp32",
        "GENERATION_DIFFUSERS_DEVICE": "cpu",
        "GENERATION_DIFFUSERS_OFFLOAD": "none",
        "GENERATION_DIFFUSERS_STEPS": 2,
        "GENERATION_DIFFUSERS_GUIDANCE": 1.0,
        "GENERATION_DIFFUSERS_WIDTH": 32,
        "GENERATION_DIFFUSERS_HEIGHT": 48,
        "GENERATION_DIFFUSERS_FRAMES": 9,
        "GENERATION_DIFFUSERS_FPS": 8,
    }


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def _our_pipeline(frames: Any, result: Any, fps: int, timings: dict[str, float]) -> None:
    """Output checks, watermark, encode, C2PA, as `pipeline` and `finishing` run them."""
    from cameos.services import detect_likeness
    from moderation.services import check_frames, classifiers_ready
    from moderation.services.checks import sample_frames

    ok, _ = classifiers_ready()
    if ok:
        _, timings["checks: frame classifiers"] = _timed(check_frames, frames=list(frames), fps=fps)
    picks = [frames[i] for i in range(0, len(frames), max(1, len(frames) // checks.LIKENESS_FRAMES))]
    _, timings["checks: likeness"] = _timed(detect_likeness, frames=picks[: checks.LIKENESS_FRAMES])
    timings["_clip_batch"] = len(sample_frames(list(frames), fps=fps))
    _, timings["watermark"] = _timed(
        media.burn_watermark, frames, fps=fps, text=settings.GENERATION_WATERMARK_TEXT, handle="bench_creator"
    )
    encoded, timings["encode"] = _timed(
        media.encode_mp4, frames, result.audio, sample_rate=result.sample_rate, fps=fps
    )
    _, timings["C2PA sign"] = _timed(
        provenance.sign_mp4, encoded, title="bench.mp4", job_id=1, cameo_ids=[], model=result.model_id
    )


def measure(*, seconds: int = 10, width: int = 720, height: int = 1280, fps: int = 24) -> dict[str, Any]:
    """Render and finish one clip with the configured (GPU) or toy (CPU) model; the figures."""
    import torch

    gpu = torch.cuda.is_available() and bool(settings.GENERATION_DIFFUSERS_PATH)
    with tempfile.TemporaryDirectory() as tmp:
        overrides = {} if gpu else _tiny_settings(str(build_tiny_pipeline("wan", f"{tmp}/wan")))
        with override_settings(**overrides):
            backend, load_s = _timed(DiffusersBackend)
            request = RenderRequest(
                prompt="paper lanterns drifting over a night river",
                seed=42,
                duration_s=seconds,
                width=width,
                height=height,
                fps=fps,
            )
            if gpu:
                torch.cuda.reset_peak_memory_stats()
            result, model_s = _timed(backend.render, request, RenderContext())
            peak = torch.cuda.max_memory_allocated() / 2**30 if gpu else None
            result, audio_s = _timed(with_soundtrack, request, result)
            timings: dict[str, float] = {"audio stage": audio_s}
            _our_pipeline(result.frames, result, fps, timings)
    clip_batch = int(timings.pop("_clip_batch"))
    ours = sum(timings.values())
    return {
        "device": torch.cuda.get_device_name() if gpu else "CPU (toy random-weight Wan, 32×48, 2 steps)",
        "model": backend.model_id,
        "load_s": load_s,
        "model_s": model_s,
        "ours": timings,
        "ours_s": ours,
        "clip_s": model_s + ours,
        "frames": int(result.frames.shape[0]),
        "peak_vram_gib": peak,
        "clip_batch": clip_batch,
        "face_batch": checks.LIKENESS_FRAMES,
    }


def run(args: argparse.Namespace) -> str:
    seconds = 2 if args.quick else 10
    figures = measure(seconds=seconds)
    clip = figures["clip_s"]
    rows = [
        f"| model render | {figures['model_s']:.2f} s | {100 * figures['model_s'] / clip:.0f}% |",
        *(f"| {name} | {s:.2f} s | {100 * s / clip:.0f}% |" for name, s in figures["ours"].items()),
    ]
    vram = f"{figures['peak_vram_gib']:.1f} GiB" if figures["peak_vram_gib"] is not None else "n/a (CPU)"
    return "\n".join(
        [
            "## Video model on the gpu worker (`bench/bench_gpu.py`)",
            "",
            f"Device: {figures['device']}; model `{figures['model']}` (load {figures['load_s']:.1f} s, once "
            f"per worker). One {seconds} s 720×1280 clip at 24 fps ({figures['frames']} frames).",
            "",
            f"- seconds per {seconds} s clip: **{clip:.1f} s** ({figures['frames'] / clip:.1f} frames/s end to end; "
            f"model alone {figures['frames'] / figures['model_s']:.1f} frames/s)",
            f"- peak VRAM: {vram}",
            f"- host load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
            "(above the CPU count, other work shared the machine and the times are inflated)",
            f"- share of time in the model: {100 * figures['model_s'] / clip:.0f}%, our pipeline "
            f"{100 * figures['ours_s'] / clip:.0f}%",
            f"- batch sizes on the same device: CLIP frame classifier {figures['clip_batch']} frames per clip "
            f"(about one per second, `SAFETY_MAX_FRAMES` at most), face model {figures['face_batch']} frames",
            "",
            "| step | time | share |",
            "| --- | --- | --- |",
            *rows,
        ]
    )
