"""Perceptual hashes of media: PDQ for stills, vPDQ for video, MD5 for exact copies.

vPDQ here follows Meta's vPDQ (`vpdq` on PyPI) semantics over `pdqhash` frame
hashes: one PDQ hash per second of video (the frame nearest each whole
second), frames under quality 50 dropped, consecutive duplicates kept once;
two videos match when enough of the query's frames are within Hamming
distance 31 of some frame of the other (`vpdq_match`). The `vpdq` wheel needs
the FFmpeg development libraries to build, which this image does not carry;
PyAV's bundled FFmpeg decodes instead.

Lookups also hash two variants of what they are asked about: the horizontal
mirror (PDQ is not flip-invariant) and the picture with black borders cut away
(letterboxing shifts every PDQ cell). Stored media keep only their own hashes.

No Django here: pure functions of bytes and arrays, so workers, the benchmark
and the tests call them alike.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import av
import numpy as np
import pdqhash
from PIL import Image

from provenance import audio

QUALITY_MIN = 50  # vPDQ's VPDQ_QUALITY_THRESHOLD
DISTANCE_MAX = 31  # vPDQ's VPDQ_DISTANCE_THRESHOLD: frames this close are the same frame
QUERY_MATCH_PCT = 80.0  # vPDQ's VPDQ_QUERY_MATCH_THRESHOLD_PERCENT
HASH_SIDE = 512  # PDQ downsamples to 64x64 after a box filter; 512 px is plenty
BORDER_LUMA = 40  # pixels darker than this are bar candidates
BAR_DARK_SHARE = 0.93  # rows/columns with at least this share of dark pixels are letterbox bars
CROP_KEEP = 0.90  # stored media also keep the hash of their central 90 % (crops)


class MediaError(Exception):
    """The bytes are not a decodable image or video."""


@dataclass(frozen=True)
class FrameHash:
    second: int
    bits: str  # 256 '0'/'1' characters, pgvector bit(256) text form
    quality: int

    @property
    def hex(self) -> str:
        return bits_to_hex(self.bits)


@dataclass
class VideoHashes:
    frames: list[FrameHash]
    duration_s: float
    audio: np.ndarray | None  # uint32 sub-fingerprints (see provenance.audio)
    variants: dict[str, list[FrameHash]] = field(default_factory=dict)  # lookups only


def bits_to_hex(bits: str) -> str:
    return f"{int(bits, 2):064x}"


def hex_to_bits(value: str) -> str:
    value = value.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError("a PDQ hash is 64 hexadecimal characters")
    return f"{int(value, 16):0256b}"


def bits_to_array(bits: list[str]) -> np.ndarray:
    """(n, 32) uint8 packed rows, for vectorised Hamming distances."""
    if not bits:
        return np.zeros((0, 32), np.uint8)
    raw = np.frombuffer("".join(bits).encode(), np.uint8).reshape(len(bits), 256) - ord("0")
    return np.packbits(raw, axis=1)


_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], np.uint8)


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise Hamming distances between packed rows of `a` and `b`."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), np.int32)
    return _POPCOUNT[np.bitwise_xor(a[:, None, :], b[None, :, :])].sum(axis=2, dtype=np.int32)


def _prepared(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    if max(height, width) > HASH_SIDE:
        scale = HASH_SIDE / max(height, width)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR))
    return np.ascontiguousarray(rgb)


def pdq(rgb: np.ndarray) -> tuple[str, int]:
    """PDQ of an RGB frame: (bit string, quality 0-100)."""
    vector, quality = pdqhash.compute(_prepared(rgb))
    return "".join("1" if v else "0" for v in vector), int(quality)


def strip_borders(rgb: np.ndarray) -> np.ndarray:
    """The picture without letterbox/pillarbox bars (dark rows and columns at the edges)."""
    dark = rgb.astype(np.float32).mean(axis=2) < BORDER_LUMA
    # A bar is a row or column almost wholly dark: a status bar's few letters do not save it.
    rows = np.flatnonzero(dark.mean(axis=1) < BAR_DARK_SHARE)
    cols = np.flatnonzero(dark.mean(axis=0) < BAR_DARK_SHARE)
    if len(rows) < 16 or len(cols) < 16:
        return rgb
    return rgb[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def frame_variants(rgb: np.ndarray) -> dict[str, np.ndarray]:
    """What a lookup hashes besides the frame itself: its mirror, and the frame without bars."""
    out = {"flipped": rgb[:, ::-1]}
    stripped = strip_borders(rgb)
    if stripped.shape != rgb.shape:
        out["unboxed"] = stripped
    return out


def decode_image(data: bytes) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (HASH_SIDE * 2, HASH_SIDE * 2))
            return np.asarray(image.convert("RGB"))
    except Exception as exc:  # Pillow raises many types for bad bytes
        raise MediaError("The image could not be decoded.") from exc


def image_hashes(rgb: np.ndarray, *, variants: bool = False) -> dict[str, FrameHash]:
    """PDQ of a still ("original"), and with `variants` of its mirror and unboxed picture."""
    bits, quality = pdq(rgb)
    out = {"original": FrameHash(second=0, bits=bits, quality=quality)}
    if variants:
        for name, picture in frame_variants(rgb).items():
            vbits, vquality = pdq(picture)
            out[name] = FrameHash(second=0, bits=vbits, quality=vquality)
    return out


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _per_second_frames(
    container: av.container.InputContainer, max_seconds: int
) -> list[tuple[int, np.ndarray]]:
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    picked: list[tuple[int, np.ndarray]] = []
    next_second = 0
    for frame in container.decode(stream):
        t = float(frame.time or 0.0)
        if t + 1e-6 < next_second:
            continue
        picked.append((next_second, frame.to_ndarray(format="rgb24")))
        next_second = int(t) + 1
        if next_second >= max_seconds:
            break
    return picked


def _dedupe(frames: list[FrameHash]) -> list[FrameHash]:
    kept: list[FrameHash] = []
    for f in frames:
        if f.quality < QUALITY_MIN:
            continue
        if kept and kept[-1].bits == f.bits:
            continue
        kept.append(f)
    return kept


def video_hashes(data: bytes, *, variants: bool = False, max_seconds: int = 120) -> VideoHashes:
    """vPDQ frame hashes and the audio fingerprint of a video (with `variants`, lookups' extras)."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            duration = (container.duration or 0) / 1_000_000
            if not container.streams.video:
                raise MediaError("The file has no video track.")
            picked = _per_second_frames(container, max_seconds)
    except MediaError:
        raise
    except Exception as exc:  # PyAV raises FFmpeg errors of many kinds for bad bytes
        raise MediaError("The video could not be decoded.") from exc
    if not picked:
        raise MediaError("The video has no frames.")
    frames = _dedupe([FrameHash(s, *pdq(rgb)) for s, rgb in picked])
    extra: dict[str, list[FrameHash]] = {}
    if variants:
        for s, rgb in picked:
            for name, picture in frame_variants(rgb).items():
                extra.setdefault(name, []).append(FrameHash(s, *pdq(picture)))
        extra = {name: _dedupe(hashes) for name, hashes in extra.items()}
    return VideoHashes(
        frames=frames,
        duration_s=duration or float(len(picked)),
        audio=audio.fingerprint_of(data),
        variants=extra,
    )


def crop_hashes(data: bytes, *, keep: float = CROP_KEEP, max_seconds: int = 120) -> list[FrameHash]:
    """Per-second PDQ of each frame's central `keep` share (stored, so 10 % crops still match)."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            picked = _per_second_frames(container, max_seconds)
    except Exception as exc:
        raise MediaError("The video could not be decoded.") from exc
    out = []
    for s, rgb in picked:
        h, w = rgb.shape[:2]
        dy, dx = round(h * (1 - keep) / 2), round(w * (1 - keep) / 2)
        out.append(FrameHash(s, *pdq(rgb[dy : h - dy, dx : w - dx])))
    return _dedupe(out)


def vpdq_match(query: list[str], target: list[str], *, distance: int = DISTANCE_MAX) -> tuple[float, float]:
    """vPDQ's brute-force match: (% of query frames matched in target, % of target frames matched)."""
    qa, ta = bits_to_array(query), bits_to_array(target)
    if len(qa) == 0 or len(ta) == 0:
        return 0.0, 0.0
    close = hamming_matrix(qa, ta) <= distance
    return 100.0 * close.any(axis=1).mean(), 100.0 * close.any(axis=0).mean()
