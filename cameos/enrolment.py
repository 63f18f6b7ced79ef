"""Enrolment: issue a liveness challenge, then judge the recording made for it.

The verdict is computed from the recording alone (no database access here, so
it can be tested and timed in isolation); `services.cameo_process_recording`
turns it into a state change. Checks, each with a machine-readable reason:

- `undecodable`, `no_video`, `no_audio`, `too_long`, `too_many_frames`, `resolution_too_high`,
  `decode_timeout`: the file itself (declared values checked on upload, measured ones while decoding);
- `no_face` / `multiple_faces`: exactly one dominant face in (nearly) every sampled frame;
- `identity_changed`: every sampled face is the same person as the median face;
- `challenge_not_performed`: the head turns of the challenge appear in order in the landmarks;
- `no_speech`: speech-level audio in the phrase window.

Public-figure and already-enrolled checks need the registry and are done by the service.
What this does and does not stop is written down in docs/CAMEOS.md.
"""

from __future__ import annotations

import io
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import av
import numpy as np
from av.container import InputContainer
from av.video.stream import VideoStream
from django.conf import settings

from cameos.faces import get_backend
from cameos.faces.base import head_pose_proxy

MOVES = ("left", "right")
WORDS = (
    "amber river", "seven lanterns", "quiet harbor", "orange kite", "silver meadow", "purple comet",
    "wooden bridge", "morning tide", "paper tiger", "glass mountain", "copper bell", "velvet moon",
)  # fmt: skip
# Yaw-proxy change (see faces.base.head_pose_proxy) that counts as a head turn.
TURN_DELTA = 0.1
# Share of sampled frames allowed to miss the face (blinks, motion blur).
MISSING_FACE_TOLERANCE = 0.2
# A second face at least this fraction of the main face's area makes it not "dominant".
SECOND_FACE_RATIO = 0.3


def new_challenge() -> dict:
    """Two or three head turns (never the same twice in a row), then two word pairs to say."""
    count = 2 + secrets.randbelow(2)
    moves = [secrets.choice(MOVES)]
    while len(moves) < count:
        moves.append("left" if moves[-1] == "right" else "right")
    phrase = " ".join(secrets.choice(WORDS) for _ in range(2))
    # One and a half seconds per turn (there and back), then three seconds to speak.
    start = round(1.5 * count + 0.5, 1)
    return {"moves": moves, "phrase": phrase, "phrase_window_s": [start, start + 3.0]}


@dataclass
class Recording:
    frames: list[np.ndarray]
    times: list[float]
    audio: np.ndarray | None
    sample_rate: int
    duration: float
    frames_decoded: int = 0


@dataclass
class Verdict:
    reasons: list[str] = field(default_factory=list)
    embeddings: list[np.ndarray] = field(default_factory=list)
    reference: np.ndarray | None = None
    yaw: list[float] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.reasons


class RecordingError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.frames_decoded = 0
        super().__init__(message)


def probe(data: bytes) -> float:
    """Cheap header checks for the web request: a video track and an audio track, the
    declared duration and frame size within limits. Returns the declared duration.

    Nothing is decoded here: the worker's `decode` does that, within its budgets,
    and measures the real duration (a header can declare anything).
    """
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                raise RecordingError("no_video", "The recording has no video track.")
            if not container.streams.audio:
                raise RecordingError("no_audio", "The recording has no audio track.")
            stream = container.streams.video[0]
            duration = _duration(container, stream)
            width, height = stream.codec_context.width, stream.codec_context.height
    except RecordingError:
        raise
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise RecordingError("undecodable", "The recording could not be decoded.") from exc
    if not width or not height:
        raise RecordingError("undecodable", "The recording could not be decoded.")
    _check_pixels(width, height)
    if duration > settings.CAMEOS_RECORDING_MAX_SECONDS:
        raise RecordingError(
            "too_long", f"Recordings may be at most {settings.CAMEOS_RECORDING_MAX_SECONDS:g} s."
        )
    return duration


def _check_pixels(width: int, height: int) -> None:
    if width * height > settings.CAMEOS_RECORDING_MAX_PIXELS:
        raise RecordingError(
            "resolution_too_high",
            f"Frames may have at most {settings.CAMEOS_RECORDING_MAX_PIXELS} pixels.",
        )


def _duration(container: InputContainer, stream: VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return 0.0


class _Budget:
    """What one decode may spend: frames, seconds of media (measured), and wall-clock time.

    Checked after every decoded frame, so a recording that declares 5 s but holds
    an hour is refused as soon as its frames pass the limit, not after decoding it all.
    """

    def __init__(self) -> None:
        self.max_seconds = settings.CAMEOS_RECORDING_MAX_SECONDS
        self.max_frames = settings.CAMEOS_RECORDING_MAX_FRAMES
        self.deadline = time.monotonic() + settings.CAMEOS_DECODE_TIMEOUT_S
        self.frames = 0

    def video_frame(self, frame: Any) -> float:
        self.frames += 1
        _check_pixels(frame.width, frame.height)
        if self.frames > self.max_frames:
            raise RecordingError("too_many_frames", f"Recordings may have at most {self.max_frames} frames.")
        t = float(frame.time or 0.0)
        self.media_time(t)
        return t

    def media_time(self, t: float) -> None:
        if t > self.max_seconds:
            raise RecordingError("too_long", f"Recordings may be at most {self.max_seconds:g} s.")
        if time.monotonic() >= self.deadline:
            raise RecordingError("decode_timeout", "The recording took too long to decode.")


def decode(data: bytes, *, sample_fps: float | None = None) -> Recording:
    """Frames sampled at `sample_fps` (RGB) and the mono audio track (float32), within budget.

    Raises RecordingError (`too_long`, `too_many_frames`, `resolution_too_high`,
    `decode_timeout`) as soon as the recording passes a limit; `frames_decoded`
    on the error says how far it got.
    """
    fps = sample_fps or settings.CAMEOS_SAMPLE_FPS
    frames: list[np.ndarray] = []
    times: list[float] = []
    chunks: list[np.ndarray] = []
    rate = 16000
    budget = _Budget()
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.video[0]
            _check_pixels(stream.codec_context.width, stream.codec_context.height)
            next_t = 0.0
            last_t = 0.0
            for frame in container.decode(video=0):
                t = budget.video_frame(frame)
                last_t = max(last_t, t)
                if t + 1e-6 >= next_t:
                    frames.append(frame.to_ndarray(format="rgb24"))
                    times.append(t)
                    next_t = t + 1 / fps
        with av.open(io.BytesIO(data), mode="r") as container:
            if container.streams.audio:
                resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
                samples = 0
                for audio_frame in container.decode(audio=0):
                    for out in resampler.resample(audio_frame):
                        chunks.append(out.to_ndarray().reshape(-1))
                        samples += chunks[-1].shape[0]
                    budget.media_time(samples / rate)
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
    except RecordingError as exc:
        exc.frames_decoded = budget.frames
        raise
    audio = np.concatenate(chunks).astype(np.float32) if chunks else None
    # The measured duration: the last frame's time, never the header's word.
    return Recording(
        frames=frames,
        times=times,
        audio=audio,
        sample_rate=rate,
        duration=last_t + (1 / float(stream.average_rate) if stream.average_rate else 0.0),
        frames_decoded=budget.frames,
    )


def judge(recording: Recording, challenge: dict) -> Verdict:
    """Run every recording-only check; collect all failing reasons (not just the first)."""
    backend = get_backend()
    verdict = Verdict()
    missing = multiple = 0
    faces = []
    for frame in recording.frames:
        found = backend.detect(frame)
        if not found:
            missing += 1
            continue
        main = found[0]
        if len(found) > 1 and found[1].area >= SECOND_FACE_RATIO * main.area:
            multiple += 1
        faces.append((frame, main))
    total = max(len(recording.frames), 1)
    if not faces or missing / total > MISSING_FACE_TOLERANCE:
        verdict.reasons.append("no_face")
    if multiple:
        verdict.reasons.append("multiple_faces")
    if not faces:
        return verdict

    verdict.embeddings = [backend.embed(frame, face) for frame, face in faces]
    # The medoid face (closest to all others) stands for the person; every frame must match it.
    distances = np.array([[backend.distance(a, b) for b in verdict.embeddings] for a in verdict.embeddings])
    medoid = int(distances.sum(axis=1).argmin())
    if distances[medoid].max() > backend.match_distance:
        verdict.reasons.append("identity_changed")
    frame, face = faces[medoid]
    verdict.reference = backend.align(frame, face)

    verdict.yaw = [head_pose_proxy(face.landmarks)[0] for _, face in faces]
    if not challenge_performed(verdict.yaw, challenge["moves"]):
        verdict.reasons.append("challenge_not_performed")

    start, end = challenge["phrase_window_s"]
    if not speech_in_window(recording, start, end):
        verdict.reasons.append("no_speech")
    return verdict


def challenge_performed(yaw: list[float], moves: list[str]) -> bool:
    """The turns appear, in order, as runs away from the neutral pose.

    Neutral is the median over the whole recording: the turns are brief and the
    phrase is said facing the camera, so most frames are neutral.
    Each frame is "left", "right" or neutral by its yaw change; runs are
    collapsed and the challenge must be a subsequence of them.
    """
    if len(yaw) < 3:
        return False
    baseline = float(np.median(yaw))
    observed: list[str] = []
    for value in yaw:
        delta = value - baseline
        label = "right" if delta >= TURN_DELTA else "left" if delta <= -TURN_DELTA else ""
        if label and (not observed or observed[-1] != label):
            observed.append(label)
        elif not label and observed and observed[-1] != "":
            observed.append("")
    turns = iter(m for m in observed if m)
    return all(any(seen == wanted for seen in turns) for wanted in moves)


def speech_in_window(recording: Recording, start: float, end: float) -> bool:
    """Speech-level sound in the window: enough loud 30 ms frames, with energy in the voice band."""
    audio = recording.audio
    if audio is None or not len(audio):
        return False
    rate = recording.sample_rate
    window = audio[int(start * rate) : int(end * rate)]
    if len(window) < rate // 2:
        return False
    hop = int(0.03 * rate)
    frames = window[: len(window) // hop * hop].reshape(-1, hop)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)) + 1e-12
    voiced = (20 * np.log10(rms) >= settings.CAMEOS_SPEECH_DBFS).mean()
    spectrum = np.abs(np.fft.rfft(window)) ** 2
    freqs = np.fft.rfftfreq(len(window), 1 / rate)
    band = spectrum[(freqs >= 80) & (freqs <= 4000)].sum() / max(spectrum.sum(), 1e-12)
    # Speech pauses between words: a third of the window voiced is plenty; hum or
    # hiss outside the voice band does not count.
    return bool(voiced >= 0.3 and band >= 0.6)
