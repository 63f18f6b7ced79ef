"""The transformations a match must survive, applied to real MP4s (tests and the benchmark).

Each takes the bytes of a video and returns the bytes of the transformed copy,
re-encoded with libx264/AAC through PyAV (the project's FFmpeg): a lower
bitrate, 480p, a 10 % crop, letterboxing, the first and last second trimmed,
a horizontal flip, and a screen recording (scaled into a phone frame with a
UI drawn over it, at a lower frame rate and quality). Also `unrelated`
stills. Nothing here touches the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from fractions import Fraction

import av
import numpy as np
from PIL import Image, ImageDraw

RATE = 48_000


def decode(data: bytes) -> tuple[np.ndarray, np.ndarray, int]:
    """(frames (N,H,W,3) uint8, mono audio (1, samples) float32, fps)."""
    frames: list[np.ndarray] = []
    chunks: list[np.ndarray] = []
    with av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.video[0]
        fps = round(float(stream.average_rate or 24))
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
    with av.open(io.BytesIO(data), "r") as container:
        if container.streams.audio:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            for aframe in container.decode(audio=0):
                for out in resampler.resample(aframe):
                    chunks.append(out.to_ndarray().reshape(-1))
    audio = np.concatenate(chunks) if chunks else np.zeros(RATE, np.float32)
    return np.stack(frames), audio[None, :].astype(np.float32), fps


def encode(frames: np.ndarray, audio: np.ndarray, *, fps: int, crf: int = 23, audio_kbps: int = 128) -> bytes:
    """H.264 + AAC MP4 in memory (even sides, as yuv420p needs)."""
    h, w = frames.shape[1] // 2 * 2, frames.shape[2] // 2 * 2
    frames = frames[:, :h, :w]
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps, options={"crf": str(crf), "preset": "veryfast"})
        video.width, video.height, video.pix_fmt = w, h, "yuv420p"
        sound = container.add_stream("aac", rate=RATE, layout="mono")
        sound.bit_rate = audio_kbps * 1000
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        for start in range(0, audio.shape[1], 1024):
            piece = np.ascontiguousarray(audio[:, start : start + 1024], dtype=np.float32)
            aframe = av.AudioFrame.from_ndarray(piece, format="fltp", layout="mono")
            aframe.sample_rate, aframe.pts, aframe.time_base = RATE, start, Fraction(1, RATE)
            container.mux(sound.encode(aframe))
        container.mux(sound.encode(None))
    return out.getvalue()


def _resize(frames: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.stack(
        [np.asarray(Image.fromarray(f).resize((width, height), Image.Resampling.BILINEAR)) for f in frames]
    )


def low_bitrate(data: bytes) -> bytes:
    frames, audio, fps = decode(data)
    return encode(frames, audio, fps=fps, crf=38, audio_kbps=48)


def scale_480p(data: bytes) -> bytes:
    frames, audio, fps = decode(data)
    h, w = frames.shape[1:3]
    short = 480
    size = (short, round(h * short / w)) if w <= h else (round(w * short / h), short)
    return encode(_resize(frames, *size), audio, fps=fps)


def crop_10(data: bytes) -> bytes:
    """10 % of each side's length cut away, 5 % at each edge (the picture keeps its centre)."""
    frames, audio, fps = decode(data)
    h, w = frames.shape[1:3]
    dy, dx = round(h * 0.05), round(w * 0.05)
    return encode(frames[:, dy : h - dy, dx : w - dx], audio, fps=fps)


def letterbox(data: bytes) -> bytes:
    """The vertical video centred on a black 16:9 canvas of the same height (pillarbox), as a
    landscape re-upload shows it."""
    frames, audio, fps = decode(data)
    n, h, w = frames.shape[:3]
    canvas = np.zeros((n, h, h * 16 // 9 // 2 * 2, 3), np.uint8)
    x = (canvas.shape[2] - w) // 2
    canvas[:, :, x : x + w] = frames
    return encode(canvas, audio, fps=fps)


def trim_ends(data: bytes) -> bytes:
    frames, audio, fps = decode(data)
    return encode(frames[fps:-fps], audio[:, RATE:-RATE], fps=fps)


def hflip(data: bytes) -> bytes:
    frames, audio, fps = decode(data)
    return encode(np.ascontiguousarray(frames[:, :, ::-1]), audio, fps=fps)


def screen_recording(data: bytes) -> bytes:
    """Scaled into a phone screen with a status bar, caption, buttons and a progress bar drawn on
    top, re-captured at 15 fps and low quality, sound picked up a little quieter."""
    frames, audio, fps = decode(data)
    h, w = frames.shape[1:3]
    out_fps = max(1, fps // 2)
    picked = frames[:: max(1, fps // out_fps)]
    screen = np.full((len(picked), h + 96, w + 40, 3), 18, np.uint8)
    screen[:, 60 : 60 + h, 20 : 20 + w] = picked
    overlaid = []
    for i, f in enumerate(screen):
        image = Image.fromarray(f)
        draw = ImageDraw.Draw(image)
        draw.text((24, 20), "9:41   LTE  87%", fill=(240, 240, 240))
        draw.rectangle((w - 30, h // 2, w + 10, h // 2 + 40), fill=(250, 250, 250))
        draw.ellipse((w - 30, h // 2 + 60, w + 10, h // 2 + 100), fill=(230, 40, 80))
        draw.text((30, h - 10), "@someone  #fyp  original sound", fill=(255, 255, 255))
        draw.rectangle((20, h + 62, 20 + int(w * (i + 1) / len(screen)), h + 66), fill=(255, 255, 255))
        overlaid.append(np.asarray(image))
    return encode(np.stack(overlaid), audio * 0.7, fps=out_fps, crf=33, audio_kbps=64)


TRANSFORMS: dict[str, Callable[[bytes], bytes]] = {
    "low_bitrate": low_bitrate,
    "scale_480p": scale_480p,
    "crop_10": crop_10,
    "letterbox": letterbox,
    "trim_ends": trim_ends,
    "hflip": hflip,
    "screen_recording": screen_recording,
}
