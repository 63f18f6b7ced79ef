"""The face-model interface shared by every backend, and landmark geometry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Face:
    """One detected face. `box` is (x0, y0, x1, y1) in pixels; `landmarks` are five
    points (left eye, right eye, nose tip, left mouth corner, right mouth corner),
    "left" meaning the image's left."""

    box: tuple[float, float, float, float]
    landmarks: np.ndarray
    score: float = 1.0
    # Backend-specific detail needed to align (dlib's 68-point shape); not for callers.
    native: object | None = field(default=None, compare=False, repr=False)

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return max(0.0, x1 - x0) * max(0.0, y1 - y0)

    def as_dict(self) -> dict:
        return {"box": [round(float(v), 1) for v in self.box], "score": round(float(self.score), 3)}


class FaceBackend(Protocol):
    """What a face model must offer. Distances: lower is more alike."""

    name: str
    # Registry table key, e.g. "dlib_128"; decides which embedding table is used.
    embedding_model: str
    dim: int
    # Distance at or below which two faces are taken as the same person.
    match_distance: float

    def detect(self, image: np.ndarray) -> list[Face]: ...

    def align(self, image: np.ndarray, face: Face) -> np.ndarray: ...

    def embed(self, image: np.ndarray, face: Face) -> np.ndarray: ...

    def distance(self, a: np.ndarray, b: np.ndarray) -> float: ...


def head_pose_proxy(landmarks: np.ndarray) -> tuple[float, float]:
    """(yaw, pitch) proxies from five landmarks, scale- and translation-free.

    yaw: where the nose sits between the eyes, -1 (at the image-left eye) to +1
    (at the image-right eye); a head turned towards the image right moves the
    nose right of the eye midpoint. pitch: the nose's height between the eye
    line (0) and the mouth line (1); looking up shortens eye→nose.
    """
    le, re, nose, lm, rm = (np.asarray(p, dtype=np.float64) for p in landmarks[:5])
    d_left = nose[0] - le[0]
    d_right = re[0] - nose[0]
    yaw = (d_left - d_right) / max(d_left + d_right, 1e-6)
    eye_y = (le[1] + re[1]) / 2
    mouth_y = (lm[1] + rm[1]) / 2
    pitch = (nose[1] - eye_y) / max(mouth_y - eye_y, 1e-6)
    return float(yaw), float(pitch)
