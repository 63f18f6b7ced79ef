"""Real face photos and enrolment videos made from them, for cameos tests and benchmarks.

The photos ship with insightface (`t1.jpg`: six people; `Tom_Hanks_54745.png`).
Videos are written with PyAV (H.264 + AAC in MP4). Head movement is simulated
with a horizontal or vertical foreshortening warp of the face photo: one side
of the face is compressed about the nose, which moves the landmarks the way a
turned head does.
"""

from __future__ import annotations

import io
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

IMAGES = Path(__import__("insightface").__file__).parent / "data" / "images"

# Boxes of the six faces in t1.jpg as dlib finds them (x, y, size), left to right.
T1_FACES = [
    (67, 283, 109),
    (275, 176, 90),
    (450, 295, 108),
    (724, 367, 109),
    (870, 67, 130),
    (1118, 283, 109),
]
FRAME = 320


@cache
def photo(name: str) -> np.ndarray:
    return np.asarray(Image.open(IMAGES / name).convert("RGB"))


def face_portrait(person: int | str, size: int = 240) -> np.ndarray:
    """A square portrait of one person: 0-5 are the people in t1.jpg, "hanks" is Tom Hanks."""
    if person == "hanks":
        image = Image.fromarray(photo("Tom_Hanks_54745.png"))
        return np.asarray(image.resize((size, size), Image.BICUBIC))
    x, y, s = T1_FACES[int(person)]
    cx, cy = x + s / 2, y + s / 2
    half = s * 0.95
    image = Image.fromarray(photo("t1.jpg")).crop(
        (int(cx - half), int(cy - half), int(cx + half), int(cy + half))
    )
    return np.asarray(image.resize((size, size), Image.BICUBIC))


def foreshorten(portrait: np.ndarray, *, yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """Compress one side of the face about its centre, as a turned or tilted head looks.

    yaw > 0 compresses the image-right half (nose moves towards the image-right
    eye: head turned to the image right); pitch > 0 compresses the upper half
    (eye→nose shortens: looking up).
    """
    _h, _w = portrait.shape[:2]
    out = portrait
    if yaw:
        out = _warp_axis(out, axis=1, amount=abs(yaw), compress_high=yaw > 0)
    if pitch:
        out = _warp_axis(out, axis=0, amount=abs(pitch), compress_high=pitch < 0)
    return out


def _warp_axis(image: np.ndarray, *, axis: int, amount: float, compress_high: bool) -> np.ndarray:
    n = image.shape[axis]
    c = n / 2
    out_coords = np.arange(n, dtype=np.float64)
    # Source coordinate for each output coordinate: the compressed side samples
    # a wider stretch of the source (scale 1/(1-amount)).
    src = out_coords.copy()
    side = out_coords > c if compress_high else out_coords < c
    src[side] = c + (out_coords[side] - c) / (1 - amount)
    src = np.clip(src, 0, n - 1)
    idx = np.round(src).astype(int)
    return np.take(image, idx, axis=axis)


def compose(portrait: np.ndarray, *, dx: int = 0, dy: int = 0, background: int = 90) -> np.ndarray:
    frame = np.full((FRAME, FRAME, 3), background, dtype=np.uint8)
    h, w = portrait.shape[:2]
    x0, y0 = (FRAME - w) // 2 + dx, (FRAME - h) // 2 + dy
    frame[y0 : y0 + h, x0 : x0 + w] = portrait
    return frame


def speech_like(
    duration_s: float, rate: int, *, windows: list[tuple[float, float]], level: float = 0.3
) -> np.ndarray:
    """A voiced signal inside the windows: a 140 Hz harmonic series at syllable rate (4 Hz), silence elsewhere."""
    t = np.arange(int(duration_s * rate)) / rate
    voice = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 8))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    signal = np.zeros_like(t)
    for start, end in windows:
        mask = (t >= start) & (t < end)
        signal[mask] = (voice * envelope)[mask]
    peak = np.abs(signal).max() or 1.0
    rng = np.random.default_rng(0)
    return (signal / peak * level + rng.normal(0, 0.0005, t.shape)).astype(np.float32)


def write_mp4(
    frames: list[np.ndarray], audio: np.ndarray | None, *, fps: int = 10, rate: int = 16000
) -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height = frames[0].shape[1], frames[0].shape[0]
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "18"}
        astream = None
        if audio is not None:
            astream = container.add_stream("aac", rate=rate)
            astream.layout = "mono"
        for frame in frames:
            for packet in video.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if astream is not None:
            chunk = 1024
            for i in range(0, len(audio), chunk):
                piece = audio[i : i + chunk]
                af = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="flt", layout="mono")
                af.sample_rate = rate
                af.pts = i
                af.time_base = Fraction(1, rate)
                for packet in astream.encode(af):
                    container.mux(packet)
            for packet in astream.encode():
                container.mux(packet)
    return buffer.getvalue()


def enrolment_video(
    challenge: dict,
    *,
    person: int | str = 0,
    second_person: int | str | None = None,
    speak: bool = True,
    move: bool = True,
    fps: int = 10,
) -> bytes:
    """A recording that performs `challenge`: the moves in order, then the phrase spoken in its window.

    With `second_person`, the second half of the frames shows someone else.
    """
    moves = challenge["moves"] if move else []
    start, end = challenge["phrase_window_s"]
    duration = end + 0.5
    n = int(duration * fps)
    poses = {"left": (-0.35, 0.0), "right": (0.35, 0.0), "up": (0.0, 0.3), "down": (0.0, -0.3)}
    # Moves fill the time before the phrase window: neutral, move, neutral, move, ...
    schedule: list[tuple[float, float]] = []
    move_time = start
    slots = 2 * len(moves) + 1
    for i in range(n):
        t = i / fps
        slot = int(t / move_time * slots) if t < move_time else slots - 1
        pose = poses[moves[slot // 2]] if slot % 2 == 1 and moves else (0.0, 0.0)
        schedule.append(pose)
    a = face_portrait(person)
    b = face_portrait(second_person) if second_person is not None else None
    frames = []
    for i, (yaw, pitch) in enumerate(schedule):
        who = b if b is not None and i >= n // 2 else a
        jitter = int(3 * np.sin(i))  # a hand-held camera is never still
        frames.append(compose(foreshorten(who, yaw=yaw, pitch=pitch), dx=jitter, dy=-jitter))
    rate = 16000
    audio = speech_like(duration, rate, windows=[(start + 0.2, end - 0.2)] if speak else [])
    return write_mp4(frames, audio, fps=fps, rate=rate)


def png_bytes(person: int | str, size: int = 240) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(face_portrait(person, size=size)).save(buffer, format="PNG")
    return buffer.getvalue()


def declare_duration(data: bytes, seconds: float) -> bytes:
    """The same MP4 with its headers (mvhd, tkhd, mdhd) claiming `seconds`; the frames stay."""
    import struct

    buf = bytearray(data)

    def patch(tag: bytes, timescale_at: int | None, duration_at: int, timescale: int = 0) -> int:
        i = buf.find(tag)
        while i != -1:
            body = i + 4
            if timescale_at is not None:
                timescale = struct.unpack_from(">I", buf, body + timescale_at)[0]
            struct.pack_into(">I", buf, body + duration_at, int(seconds * timescale))
            i = buf.find(tag, i + 4)
        return timescale

    movie_timescale = patch(b"mvhd", 12, 16)
    patch(b"tkhd", None, 20, movie_timescale)
    patch(b"mdhd", 12, 16)
    return bytes(buf)


def long_recording(seconds: float, *, fps: int = 10, size: tuple[int, int] = (640, 360)) -> bytes:
    """A plain MP4 of `seconds` (grey frames, quiet audio) at `fps`."""
    frames = [np.full((size[1], size[0], 3), 40 + i % 150, np.uint8) for i in range(int(seconds * fps))]
    return write_mp4(frames, speech_like(seconds, 16000, windows=[]), fps=fps)
