"""An audio fingerprint of our own: spectral band-energy differences (Haitsma & Kalker, 2002).

Chromaprint (`fpcalc` from Debian's libchromaprint-tools, read by pyacoustid)
is not in this image and the project installs no system packages at run time,
so the fingerprint is computed here with numpy: the sound resampled to mono
5,512 Hz, 0.37 s windows every 11.6 ms (86 per second), the energy of 33
log-spaced bands between 300 and 2,000 Hz, and one 32-bit sub-fingerprint per
window whose bit m says whether the energy difference of bands m and m+1 grew
since the last window. It is insensitive to level, to lossy re-encoding and to
anything done to the picture; it is defeated by replacing or heavily mixing
the soundtrack. Silent windows carry the value 0 and take part in nothing.

Two fingerprints match when, at their best alignment, at most `BER_MAX` of the
bits of their loud overlapping windows differ, over at least `MIN_OVERLAP`
windows (2 s). Alignments are proposed by sub-fingerprints the two share
exactly, which is also how the index finds candidates.
"""

from __future__ import annotations

import io
from collections import Counter

import av
import numpy as np

RATE = 5512
WINDOW = 2048
HOP = 64
BANDS = 33
LOW_HZ, HIGH_HZ = 300.0, 2000.0
PER_SECOND = RATE / HOP
BER_MAX = 0.30
MIN_OVERLAP = int(2 * PER_SECOND)
SILENCE = 1e-4  # mean band energy under this (of a unit-scaled signal) is silence


def _samples(data: bytes, max_seconds: int) -> np.ndarray | None:
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                return None
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            chunks: list[np.ndarray] = []
            total = 0
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    piece = out.to_ndarray().reshape(-1)
                    chunks.append(piece)
                    total += len(piece)
                if total >= max_seconds * RATE:
                    break
    except Exception:  # undecodable audio: the picture may still be hashed
        return None
    return np.concatenate(chunks).astype(np.float32) if chunks else None


def _band_matrix() -> np.ndarray:
    freqs = np.fft.rfftfreq(WINDOW, 1.0 / RATE)
    edges = np.geomspace(LOW_HZ, HIGH_HZ, BANDS + 1)
    matrix = np.zeros((len(freqs), BANDS), np.float32)
    for b in range(BANDS):
        matrix[(freqs >= edges[b]) & (freqs < edges[b + 1]), b] = 1.0
    return matrix


_BANDS = _band_matrix()
_WEIGHTS = (1 << np.arange(32, dtype=np.uint64)).astype(np.uint64)


def fingerprint(samples: np.ndarray) -> np.ndarray:
    """uint32 sub-fingerprints of mono samples at `RATE` (0 for silent windows)."""
    if len(samples) < WINDOW + HOP:
        return np.zeros(0, np.uint32)
    count = 1 + (len(samples) - WINDOW) // HOP
    index = np.arange(WINDOW)[None, :] + HOP * np.arange(count)[:, None]
    spectrum = np.abs(np.fft.rfft(samples[index] * np.hanning(WINDOW).astype(np.float32), axis=1)) ** 2
    energy = spectrum.astype(np.float32) @ _BANDS
    diff = energy[:, :-1] - energy[:, 1:]
    bits = (diff[1:] - diff[:-1]) > 0
    values = (bits.astype(np.uint64) * _WEIGHTS).sum(axis=1).astype(np.uint32)
    loud = energy[1:].mean(axis=1) > SILENCE * WINDOW
    values[~loud] = 0
    return values


def fingerprint_of(data: bytes, *, max_seconds: int = 120) -> np.ndarray | None:
    samples = _samples(data, max_seconds)
    if samples is None:
        return None
    return fingerprint(samples)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, "<u4").astype(np.uint32)


def keys(values: np.ndarray, *, step: int = 1) -> list[int]:
    """Distinct non-silent sub-fingerprints as signed 32-bit ints (a Postgres `integer`)."""
    picked = np.unique(values[::step])
    picked = picked[picked != 0]
    return [int(v) for v in picked.astype(np.int64) - ((picked.astype(np.int64) >= 2**31) * 2**32)]


def _ber(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    loud = (a != 0) & (b != 0)
    n = int(loud.sum())
    if n == 0:
        return 1.0, 0
    x = np.bitwise_xor(a[loud], b[loud])
    ones = np.unpackbits(x.view(np.uint8)).sum()
    return float(ones) / (32.0 * n), n


def match(query: np.ndarray, target: np.ndarray, *, offsets: int = 5) -> tuple[float, float]:
    """(bit error rate at the best alignment, seconds of overlap); BER 1.0 when nothing aligns."""
    where: dict[int, list[int]] = {}
    for i, v in enumerate(target.tolist()):
        if v:
            where.setdefault(v, []).append(i)
    votes: Counter[int] = Counter()
    for i, v in enumerate(query.tolist()):
        for j in where.get(v, ()):
            votes[j - i] += 1
    best = (1.0, 0)
    for shift, _ in votes.most_common(offsets):
        q0, t0 = max(0, -shift), max(0, shift)
        n = min(len(query) - q0, len(target) - t0)
        if n <= 0:
            continue
        ber, overlap = _ber(query[q0 : q0 + n], target[t0 : t0 + n])
        if overlap >= MIN_OVERLAP and ber < best[0]:
            best = (ber, overlap)
    return best[0], best[1] / PER_SECOND


def matches(query: np.ndarray, target: np.ndarray) -> bool:
    ber, _ = match(query, target)
    return ber <= BER_MAX
