"""bench/bench_gpu.py runs on CPU with the toy pipeline, so the bench itself is tested."""

from __future__ import annotations

import argparse

import pytest

from bench import bench_gpu


@pytest.mark.django_db
def test_bench_measures_a_clip_through_our_pipeline_on_cpu(monkeypatch):
    figures = bench_gpu.measure(seconds=1, width=144, height=256, fps=12)
    assert figures["frames"] == 12
    assert figures["model"] == "wan2.1:wan"
    assert figures["peak_vram_gib"] is None  # no GPU here
    assert figures["model_s"] > 0
    assert {"watermark", "encode", "C2PA sign", "checks: likeness", "audio stage"} <= set(figures["ours"])
    assert figures["clip_s"] == pytest.approx(figures["model_s"] + figures["ours_s"])
    assert figures["clip_batch"] >= 1
    assert figures["face_batch"] == 6

    monkeypatch.setattr(bench_gpu, "measure", lambda seconds: figures)
    section = bench_gpu.run(argparse.Namespace(quick=True))
    assert "seconds per 2 s clip" in section
    assert "peak VRAM: n/a (CPU)" in section
