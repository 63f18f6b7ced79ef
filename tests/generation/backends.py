"""Test backends, registered by name: the boundary where a real GPU model would sit.

Each wraps the procedural backend and adds one behaviour a test needs: a gate
that holds the render mid-way, a worker death after the first step, a face
drawn into every frame.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from generation.backends import RenderContext, RenderRequest, RenderResult, register_backend
from generation.backends.procedural import ProceduralBackend


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so no handler in the task runs."""


class GatedBackend(ProceduralBackend):
    """Renders until step 2, then waits for `release`; records how it ended."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.ended = threading.Event()
        self.outcome: str | None = None

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        gate = self

        class GatedContext(RenderContext):
            def step(self, fraction: float) -> None:
                if self.steps == 2 and not gate.reached.is_set():
                    gate.reached.set()
                    gate.release.wait(30)
                super().step(fraction)

        inner = GatedContext(on_progress=ctx._on_progress, should_stop=ctx._should_stop)
        try:
            result = super().render(request, inner)
            self.outcome = "finished"
            return result
        except BaseException as exc:
            self.outcome = type(exc).__name__
            raise
        finally:
            self.ended.set()


class DiesOnceBackend(ProceduralBackend):
    """The first render dies (like a killed worker) right after its first step; later ones succeed."""

    def __init__(self) -> None:
        self.renders = 0

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        self.renders += 1
        if self.renders == 1:

            class Dying(RenderContext):
                def step(self, fraction: float) -> None:
                    super().step(fraction)
                    raise WorkerKilled

            return super().render(request, Dying(on_progress=ctx._on_progress, should_stop=ctx._should_stop))
        return super().render(request, ctx)


class FaceBackend(ProceduralBackend):
    """Draws `face` (RGB) large in the middle of every frame, cast or not."""

    face: np.ndarray | None = None

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        result = super().render(request, ctx)
        if self.face is not None:
            h, w = self.face.shape[:2]
            top, left = (request.height - h) // 2, (request.width - w) // 2
            result.frames[:, top : top + h, left : left + w] = self.face
        return result


class SpeakingBackend(ProceduralBackend):
    """The procedural render with a soundtrack that says `transcript` (as a speech model would report it)."""

    def __init__(self, transcript: str) -> None:
        self.transcript = transcript

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        result = super().render(request, ctx)
        result.transcript = self.transcript
        return result


def install(name: str, backend: Any) -> Any:
    register_backend(name, lambda: backend)
    return backend
