"""Fitting a model's output to the product's frame: size, aspect, frame rate (pure numpy/Pillow).

Models render at their own native size and rate (Wan 2.1: 480×832 at 16 fps;
LTX-Video: multiples of 32 at 24 fps; see docs/GENERATION.md). The product's
videos are `RenderRequest.width × height` at `fps` (9:16 at 720×1280, 24 fps by
default). `fit_frames` scales to cover and crops the centre (no letterbox);
`retime` maps each output frame to the source frame nearest in time, so a
16 fps render plays at its real speed at 24 fps. `compose_first_frame` makes
the still an image-to-video model starts from when a cameo is cast.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def to_uint8(frames: np.ndarray) -> np.ndarray:
    """Float frames in [0, 1] (a pipeline's `output_type="np"`) as uint8 RGB."""
    if frames.dtype == np.uint8:
        return frames
    return (np.clip(frames, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def fit_image(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """One RGB image scaled to cover `width × height` and centre-cropped to it."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return np.ascontiguousarray(image[..., :3])
    scale = max(width / w, height / h)
    sw, sh = max(width, round(w * scale)), max(height, round(h * scale))
    resized = Image.fromarray(np.ascontiguousarray(image[..., :3])).resize((sw, sh), Image.Resampling.BICUBIC)
    left, top = (sw - width) // 2, (sh - height) // 2
    return np.asarray(resized)[top : top + height, left : left + width]


def fit_frames(frames: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N, h, w, 3) uint8 → (N, height, width, 3): cover-scaled and centre-cropped."""
    if frames.shape[1:3] == (height, width):
        return frames
    out = np.empty((len(frames), height, width, 3), np.uint8)
    for i, frame in enumerate(frames):
        out[i] = fit_image(frame, width, height)
    return out


def retime(frames: np.ndarray, *, src_fps: float, fps: int, count: int) -> np.ndarray:
    """`count` frames at `fps` from frames rendered at `src_fps`: nearest source frame in time,
    holding the last frame if the source is shorter."""
    times = np.arange(count) / fps
    index = np.clip(np.round(times * src_fps).astype(int), 0, len(frames) - 1)
    return frames[index]


def compose_first_frame(
    width: int, height: int, *, faces: list[np.ndarray], backdrop: np.ndarray | None = None
) -> np.ndarray:
    """The still an image-to-video model starts from when cameos are cast: each cast cameo's
    reference face, large and side by side in the upper middle of the frame, over the
    conditioning still (or a neutral grey). The model animates from it; likeness holds best in
    the first seconds (docs/GENERATION.md, "Likeness")."""
    canvas = (
        fit_image(backdrop, width, height).copy()
        if backdrop is not None
        else np.full((height, width, 3), 128, np.uint8)
    )
    if not faces:
        return canvas
    side = int(min(width / len(faces), height * 0.45) * 0.9)
    top = int(height * 0.2)
    gap = (width - side * len(faces)) // (len(faces) + 1)
    for k, face in enumerate(faces):
        left = gap + k * (side + gap)
        canvas[top : top + side, left : left + side] = fit_image(face, side, side)
    return canvas
