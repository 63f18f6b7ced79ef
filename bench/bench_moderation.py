"""Frame checks: the whole check_frames path against the bare model forward, in the same run.

For each frame model (the bundled open_nsfw ONNX, and a ViT-B-32 CLIP with
random weights) we time `services.check_frames` on a clip's ten sampled
720x1280 frames (sampling, preprocessing, the model, the policy decision,
the stored verdict and its audit row) against the model's forward pass on
the already-preprocessed batch. Also prompt checks per second with the
bundled stack (blocklist, rights-holder names, sentence embeddings).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from django.conf import settings


def _frames(count: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, size=(1280, 720, 3), dtype=np.uint8)
    return [np.roll(base, i * 7, axis=0) for i in range(count)]


def _interleaved(a: Callable[[], Any], b: Callable[[], Any], reps: int) -> tuple[float, float]:
    """Median seconds per call of a and b, alternating so both see the same machine load."""
    a(), b()  # warm up
    ta, tb = [], []
    for _ in range(reps):
        start = time.perf_counter()
        a()
        ta.append(time.perf_counter() - start)
        start = time.perf_counter()
        b()
        tb.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


def _configure(**values: Any) -> None:
    from moderation.classifiers import loader

    for name, value in values.items():
        setattr(settings, name, value)
    loader.reset()


def _frame_row(label: str, name: str, frames: list[np.ndarray], reps: int) -> str:
    from moderation import services
    from moderation.classifiers import loader

    loaded, broken = loader.classifiers("frames")
    assert not broken, broken
    model = next(c for c in loaded if c.name == name)
    batch = model.preprocess(frames)
    path_s, bare_s = _interleaved(
        lambda: services.check_frames(frames=frames, subject=("bench", 1)), lambda: model.forward(batch), reps
    )
    n = len(frames)
    return f"| {label} | {n} | {n / path_s:.1f} | {n / bare_s:.1f} | {bare_s / path_s:.2f}× |"


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    """(calls per second, p50 ms, p99 ms) of per-call seconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return len(ordered) / sum(ordered), statistics.median(ordered) * 1000, p99 * 1000


def _prompt_rows(args: argparse.Namespace) -> list[str]:
    """p50/p99 of the whole `check_prompt` next to the bare embedding of the same prompt, interleaved."""
    from moderation import services
    from moderation.classifiers import loader

    short = [
        "a corgi surfing at sunset, cinematic",
        "two astronauts dancing on the moon",
        "a city street in the rain at night, neon reflections",
        "a man getting stabbed in an alley",
    ]
    long = [
        "Open on a wide establishing shot of a quiet coastal town at golden hour, gulls circling over fishing "
        "boats, warm orange light on the harbour walls. The camera drifts past a bakery window and a cyclist. "
        "In the square, a street musician plays an accordion for a small crowd of tourists. Slow dolly out to "
        "the lighthouse as the sun sets and the first lamps come on along the promenade."
    ]
    prompts = (short * 4 + long) * (2 if args.quick else 10)
    services.check_prompt(text="warm up")
    text_model = next(c for c in loader.classifiers("text")[0] if c.name == "prompt_embeddings")
    whole, bare = [], []
    for prompt in prompts:
        start = time.perf_counter()
        services.check_prompt(text=prompt)
        whole.append(time.perf_counter() - start)
        start = time.perf_counter()
        text_model.embed([prompt])
        bare.append(time.perf_counter() - start)
    rows = []
    for label, samples in (
        (
            "whole `check_prompt` (normalisation, blocklist, registry names, lexicons + language id, "
            "all-MiniLM-L6-v2 on the prompt and its sentences, trained heads, decision, stored verdict)",
            whole,
        ),
        ("bare sentence embedding of one prompt", bare),
    ):
        rate, p50, p99 = _percentiles(samples)
        rows.append(f"| {label} | {rate:.1f} | {p50:.1f} | {p99:.1f} |")
    return rows


def run(args: argparse.Namespace) -> str:
    import torch

    from moderation.classifiers import loader

    reps = 3 if args.quick else 7
    frames = _frames(settings.SAFETY_MAX_FRAMES)
    rows = []
    _configure(SAFETY_PROMPT_MODEL="off", SAFETY_NSFW_MODEL="bundled", SAFETY_CLIP_MODEL=None)
    rows.append(_frame_row("open_nsfw (ONNX, bundled), CPU", "nsfw", frames, reps))
    _configure(
        SAFETY_PROMPT_MODEL="off",
        SAFETY_NSFW_MODEL="off",
        SAFETY_CLIP_MODEL="ViT-B-32",
        SAFETY_CLIP_PRETRAINED=None,
        SAFETY_CLIP_CONFIG=None,
        SAFETY_HEADS_DIR=None,
        SAFETY_DEVICE="cpu",
        SAFETY_BF16="auto",
    )
    clip = loader.classifiers("frames")[0][0]
    rows.append(
        _frame_row(
            f"CLIP ViT-B-32 (random weights), CPU, bf16 {'on' if clip.use_bf16 else 'off'}",
            "clip",
            frames,
            reps,
        )
    )
    if torch.cuda.is_available():
        _configure(SAFETY_DEVICE="cuda")
        clip = loader.classifiers("frames")[0][0]
        rows.append(
            _frame_row(
                f"CLIP ViT-B-32 (random weights), {torch.cuda.get_device_name()}, bf16 {'on' if clip.use_bf16 else 'off'}",
                "clip",
                frames,
                reps * 3,
            )
        )

    _configure(SAFETY_PROMPT_MODEL="bundled", SAFETY_NSFW_MODEL="off", SAFETY_CLIP_MODEL=None)
    prompt_rows = _prompt_rows(args)
    _configure()
    return "\n".join(
        [
            "## Moderation checks (`moderation.services.check_frames` / `check_prompt`)",
            "",
            f"Ten sampled 720×1280 frames per clip; medians of {reps} interleaved runs; torch threads: "
            f"{torch.get_num_threads()}. The path includes preprocessing, the policy decision and the stored "
            "verdict with its audit row; bare is the model forward on the preprocessed batch.",
            "",
            "| frame model | frames per call | path frames/s | bare forward frames/s | path ÷ bare |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            "Prompt checks: one prompt per call, calls interleaved (whole check, then the bare embedding of the "
            "same prompt); short prompts and 60-100 word cinematic prompts, as in the evaluation set. "
            f"Machine load when written (1-minute load average, {os.cpu_count()} CPUs): {os.getloadavg()[0]:.1f}; "
            "compare rows of one run, not runs on differently loaded machines.",
            "",
            "| prompt checks | checks/s | p50 ms | p99 ms |",
            "| --- | --- | --- | --- |",
            *prompt_rows,
        ]
    )
