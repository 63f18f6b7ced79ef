"""Frames in, a playable MP4 out: the visible watermark, the one encode, the poster, descriptors.

The watermark is burned into the RGB frames before the only encode, so there
is no second generation of compression and no unmarked intermediate file.
Nothing here touches the database or storage; `generation.pipeline` does.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# The watermark moves between corners every few seconds, as on the product's
# own videos: a still mark in one corner is trivially cropped or inpainted.
WATERMARK_HOLD_S = 3
AUDIO_RATE = 48_000


@dataclass(frozen=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int


def watermark_lines(text: str, handle: str = "") -> tuple[str, ...]:
    """The mark's lines: the product's text, then the creator's @handle (when known)."""
    return (text, f"@{handle}") if handle else (text,)


@lru_cache(maxsize=32)
def _watermark_patch(lines: tuple[str, ...], width: int) -> tuple[np.ndarray, np.ndarray]:
    """RGB and alpha of the mark for a frame `width` pixels wide (cached: one per size and handle).

    The mark is at most 60% of the frame's width (a long handle gets a smaller font), so it
    stands whole inside any crop that keeps 80% of the width."""
    size = max(10, width // 26)
    while True:
        font = ImageFont.load_default(size=size)
        boxes = [font.getbbox(line) for line in lines]
        pad = max(3, size // 3)
        w = max(b[2] - b[0] for b in boxes) + 2 * pad
        if w <= width * 0.6 or size <= 6:
            break
        size -= 1
    line_h = max(b[3] for b in boxes) - min(b[1] for b in boxes) + pad // 2
    h = line_h * len(lines) + 2 * pad - pad // 2
    patch = Image.new("RGBA", (int(w), int(h)), (0, 0, 0, 150))
    draw = ImageDraw.Draw(patch)
    draw.rounded_rectangle(
        (0, 0, w - 1, h - 1), radius=pad, outline=(255, 255, 255, 220), width=max(1, size // 12)
    )
    top = min(b[1] for b in boxes)
    for i, (line, box) in enumerate(zip(lines, boxes, strict=True)):
        draw.text((pad - box[0], pad - top + i * line_h), line, font=font, fill=(255, 255, 255, 235))
    arr = np.asarray(patch)
    return arr[..., :3].astype(np.float32), arr[..., 3:].astype(np.float32) / 255.0


def watermark_hold(frames: int | None, fps: int) -> int:
    """Frames the mark stays in one corner: `WATERMARK_HOLD_S` seconds, shorter in a short clip so
    that every clip shows the mark in all four corners (a crop of one corner never removes it)."""
    hold = max(1, fps * WATERMARK_HOLD_S)
    if frames:
        hold = min(hold, max(1, -(-frames // 4)))
    return hold


def watermark_box(
    frame_index: int,
    *,
    width: int,
    height: int,
    fps: int,
    text: str,
    handle: str = "",
    frames: int | None = None,
) -> Box:
    """Where the mark sits in a given frame of a clip of `frames` frames: corners in turn
    (top left, top right, bottom right, bottom left), `watermark_hold` frames each."""
    rgb, _ = _watermark_patch(watermark_lines(text, handle), width)
    h, w = rgb.shape[:2]
    margin = max(4, width // 40)
    corner = (frame_index // watermark_hold(frames, fps)) % 4
    x0 = margin if corner in (0, 3) else width - w - margin
    y0 = margin + height // 12 if corner in (0, 1) else height - h - margin - height // 12
    return Box(x0, y0, x0 + w, y0 + h)


def burn_watermark(frames: np.ndarray, *, fps: int, text: str, handle: str = "") -> None:
    """Blend the visible mark (text and @handle) into `frames` (N, H, W, 3) in place, moving
    corner every `watermark_hold` frames."""
    n, height, width = frames.shape[:3]
    rgb, alpha = _watermark_patch(watermark_lines(text, handle), width)
    hold = watermark_hold(n, fps)
    for start in range(0, n, hold):
        box = watermark_box(start, width=width, height=height, fps=fps, text=text, handle=handle, frames=n)
        region = frames[start : start + hold, box.y0 : box.y1, box.x0 : box.x1]
        region[:] = (region * (1.0 - alpha) + rgb * alpha).astype(np.uint8)


def encode_mp4(
    frames: np.ndarray,
    audio: np.ndarray,
    *,
    sample_rate: int,
    fps: int,
    crf: int = 23,
    preset: str = "veryfast",
) -> bytes:
    """H.264 (yuv420p) + AAC in MP4, in memory; `moov` first so players start at once."""
    # faststart rewrites the file after the last packet, which needs a real
    # file: an in-memory buffer cannot be reopened by the muxer.
    with tempfile.NamedTemporaryFile(suffix=".mp4") as tmp:
        _encode_into(tmp.name, frames, audio, sample_rate=sample_rate, fps=fps, crf=crf, preset=preset)
        return Path(tmp.name).read_bytes()


def _encode_into(
    path: str, frames: np.ndarray, audio: np.ndarray, *, sample_rate: int, fps: int, crf: int, preset: str
) -> None:
    n, height, width = frames.shape[:3]
    with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=fps, options={"crf": str(crf), "preset": preset})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        channels = audio.shape[0]
        sound = container.add_stream("aac", rate=AUDIO_RATE, layout="mono" if channels == 1 else "stereo")
        for i in range(n):
            frame = av.VideoFrame.from_ndarray(frames[i], format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = _resample(audio, sample_rate, AUDIO_RATE)
        chunk = 1024
        for start in range(0, samples.shape[1], chunk):
            piece = np.ascontiguousarray(samples[:, start : start + chunk], dtype=np.float32)
            aframe = av.AudioFrame.from_ndarray(
                piece, format="fltp", layout="mono" if channels == 1 else "stereo"
            )
            aframe.sample_rate = AUDIO_RATE
            aframe.pts = start
            aframe.time_base = Fraction(1, AUDIO_RATE)
            container.mux(sound.encode(aframe))
        container.mux(sound.encode(None))


def _resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return audio.astype(np.float32, copy=False)
    length = int(audio.shape[1] * target / rate)
    src = np.arange(audio.shape[1]) / rate
    dst = np.arange(length) / target
    return np.stack([np.interp(dst, src, ch) for ch in audio]).astype(np.float32)


def poster_jpeg(frame: np.ndarray, *, quality: int = 85) -> bytes:
    out = io.BytesIO()
    Image.fromarray(frame).save(out, format="JPEG", quality=quality)
    return out.getvalue()


DESCRIPTOR_MODEL = "colour-layout-64-v1"
DESCRIPTOR_DIM = 64


def frame_descriptor(frame: np.ndarray) -> np.ndarray:
    """A cheap, deterministic 64-d image descriptor: 4×4 colour layout (48) + 16-bin hue histogram.

    Used for the feed's similarity when no frame model is configured; unit length.
    """
    image = Image.fromarray(frame).convert("RGB")
    layout = np.asarray(image.resize((4, 4), Image.Resampling.BOX), np.float32).reshape(-1) / 255.0
    hsv = np.asarray(image.resize((64, 64), Image.Resampling.BILINEAR).convert("HSV"), np.float32)
    weights = hsv[..., 1].reshape(-1) / 255.0
    hist, _ = np.histogram(hsv[..., 0].reshape(-1), bins=16, range=(0, 256), weights=weights)
    hist = hist / (hist.sum() or 1.0)
    vector = np.concatenate([layout - layout.mean(), hist]).astype(np.float32)
    norm = float(np.linalg.norm(vector)) or 1.0
    return vector / norm


def sample_indices(n: int, count: int = 8) -> list[int]:
    """Evenly spaced frame indices, including neither exact end (fades, titles)."""
    count = max(1, min(count, n))
    return [int((k + 0.5) * n / count) for k in range(count)]


def probe_mp4(data: bytes) -> dict[str, object]:
    """Streams of an MP4 as PyAV sees them: what tests and admins check."""
    with av.open(io.BytesIO(data), "r") as container:
        info: dict[str, object] = {"duration_s": (container.duration or 0) / 1_000_000}
        for stream in container.streams:
            if isinstance(stream, av.VideoStream):
                info["video"] = {
                    "codec": stream.codec_context.name,
                    "width": stream.codec_context.width,
                    "height": stream.codec_context.height,
                    "frames": stream.frames,
                }
            elif isinstance(stream, av.AudioStream):
                info["audio"] = {"codec": stream.codec_context.name, "rate": stream.codec_context.sample_rate}
    return info


def decode_frames(data: bytes, *, limit: int | None = None) -> np.ndarray:
    """Decode an MP4's video frames to RGB (N, H, W, 3)."""
    frames = []
    with av.open(io.BytesIO(data), "r") as container:
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
            if limit is not None and len(frames) >= limit:
                break
    return np.stack(frames)
