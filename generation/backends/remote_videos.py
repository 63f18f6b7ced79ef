"""A client for any service implementing the `/v1/videos` contract, as a render backend.

`GENERATION_BACKEND=remote`. One render is one remote job:

- `POST /v1/videos` (JSON, or multipart with a still): `prompt`, `model`, `seconds`, `size` ("720x1280"),
  and `input_reference` (a PNG) for image-to-video: the upload, the remix frame,
  the previous storyboard shot's last frame, or a first frame composed with the
  cast cameos' faces;
- `GET /v1/videos/{id}` until `status` is `completed` or `failed`
  (`queued|in_progress` carry `progress` 0..100, which becomes our progress);
- `GET /v1/videos/{id}/content`: the MP4, decoded here to frames and sound and
  fitted to the request; the pipeline then checks, watermarks, encodes once and
  signs it like any render (the manifest names `remote:<model>`);
- `DELETE /v1/videos/{id}` when our job is cancelled or the remote one outlives
  `GENERATION_REMOTE_DEADLINE_S`.

Calls time out after `GENERATION_REMOTE_TIMEOUT_S` and are retried with
exponential backoff on transport errors, 429 and 5xx (`Retry-After` honoured).
With `GENERATION_REMOTE_WEBHOOK_SECRET`, `video.completed` / `video.failed`
webhooks verified by the Standard Webhooks scheme (`verify_webhook`) are
recorded by `webhook_receive` and read before each poll, so a finished job is
seen at once; polling stays as the fallback.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import time
from typing import Any, cast

import av
import httpx
import numpy as np
from django.conf import settings
from django.core.cache import cache
from PIL import Image

from generation.backends import fitting
from generation.backends.base import RenderCancelled, RenderContext, RenderFailed, RenderRequest, RenderResult

WEBHOOK_TOLERANCE_S = 300
_WEBHOOK_KEY = "generation:remote-video:{}"


class WebhookInvalid(Exception):
    """A webhook whose signature, timestamp or body does not verify."""


def _secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign_webhook(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for a body (Standard Webhooks, v1 = HMAC-SHA256)."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_webhook(
    secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None
) -> dict[str, Any]:
    """The event of a Standard Webhooks delivery, or `WebhookInvalid` (bad or missing signature,
    timestamp outside the tolerance, body not JSON)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp, signatures = (
        lower.get(h, "") for h in ("webhook-id", "webhook-timestamp", "webhook-signature")
    )
    if not (msg_id and stamp and signatures):
        raise WebhookInvalid("missing webhook headers")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookInvalid("bad timestamp") from None
    if abs((now if now is not None else time.time()) - timestamp) > WEBHOOK_TOLERANCE_S:
        raise WebhookInvalid("timestamp outside tolerance")
    expected = sign_webhook(secret, msg_id=msg_id, timestamp=timestamp, body=body).split(",", 1)[1]
    offered = [s.split(",", 1)[1] for s in signatures.split() if s.startswith("v1,")]
    if not any(hmac.compare_digest(expected, sig) for sig in offered):
        raise WebhookInvalid("signature does not match")
    try:
        return cast(dict[str, Any], json.loads(body))
    except ValueError:
        raise WebhookInvalid("body is not JSON") from None


def webhook_receive(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Verify a `video.completed` / `video.failed` delivery and record it for the waiting render."""
    secret = settings.GENERATION_REMOTE_WEBHOOK_SECRET
    if not secret:
        raise WebhookInvalid("webhooks are not configured")
    event = verify_webhook(secret, headers, body)
    video_id = str((event.get("data") or {}).get("id", ""))
    if event.get("type") in ("video.completed", "video.failed") and video_id:
        cache.set(
            _WEBHOOK_KEY.format(video_id), event["type"], timeout=int(settings.GENERATION_REMOTE_DEADLINE_S)
        )
    return event


def decode_mp4(data: bytes) -> tuple[np.ndarray, float, np.ndarray | None, int]:
    """Frames (N, H, W, 3) uint8, their rate, and the sound (channels, samples) float32 with its rate."""
    frames, sound, rate, fps = [], [], 0, 24.0
    with av.open(io.BytesIO(data), "r") as container:
        if container.streams.video:
            fps = float(container.streams.video[0].average_rate or 24)
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
        if container.streams.audio:
            container.seek(0)
            for aframe in container.decode(audio=0):
                rate = aframe.sample_rate
                sound.append(aframe.to_ndarray().astype(np.float32).reshape(len(aframe.layout.channels), -1))
    if not frames:
        raise RenderFailed("remote_bad_output", "the remote video has no frames")
    audio = np.concatenate(sound, axis=1) if sound else None
    return np.stack(frames), fps, audio, rate


class RemoteVideosBackend:
    name = "remote"
    makes_audio = True
    image_conditioning = True

    def __init__(self) -> None:
        url = settings.GENERATION_REMOTE_URL
        if not url:
            raise RenderFailed("model_not_configured", "GENERATION_REMOTE_URL is not set")
        self.model = cast(str, settings.GENERATION_REMOTE_MODEL)
        self.model_id = f"remote:{self.model}"
        headers = (
            {"Authorization": f"Bearer {settings.GENERATION_REMOTE_KEY}"}
            if settings.GENERATION_REMOTE_KEY
            else {}
        )
        self.client = httpx.Client(
            base_url=url.rstrip("/"), headers=headers, timeout=settings.GENERATION_REMOTE_TIMEOUT_S
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call, retried with backoff on transport errors, timeouts, 429 and 5xx."""
        retries = settings.GENERATION_REMOTE_RETRIES
        for attempt in range(retries + 1):
            try:
                response = self.client.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if attempt == retries:
                    raise RenderFailed("remote_unavailable", f"{method} {path}: {exc!r}") from None
                time.sleep(min(8.0, 0.25 * 2**attempt))
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == retries:
                    raise RenderFailed("remote_unavailable", f"{method} {path}: HTTP {response.status_code}")
                wait = response.headers.get("retry-after", "")
                time.sleep(min(8.0, float(wait) if wait.isdigit() else 0.25 * 2**attempt))
                continue
            if response.status_code >= 400:
                raise RenderFailed(
                    "remote_rejected", f"{method} {path}: HTTP {response.status_code} {response.text[:200]}"
                )
            return response
        raise AssertionError("unreachable")

    def _create(self, request: RenderRequest) -> str:
        data = {
            "prompt": request.prompt,
            "model": self.model,
            "seconds": str(request.duration_s),
            "size": f"{request.width}x{request.height}",
        }
        still = self._reference(request)
        if still is None:
            body = self._call("POST", "/v1/videos", json=data).json()
        else:  # multipart with the still as `input_reference`
            out = io.BytesIO()
            Image.fromarray(fitting.fit_image(still, request.width, request.height)).save(out, format="PNG")
            files = {"input_reference": ("reference.png", out.getvalue(), "image/png")}
            body = self._call("POST", "/v1/videos", data=data, files=files).json()
        return str(body["id"])

    @staticmethod
    def _reference(request: RenderRequest) -> np.ndarray | None:
        faces = [refs[0] for _, refs in sorted(request.cameo_images.items()) if refs]
        if faces:
            return fitting.compose_first_frame(
                request.width, request.height, faces=faces, backdrop=request.conditioning_image
            )
        return request.conditioning_image

    def _delete(self, video_id: str) -> None:
        with contextlib.suppress(httpx.HTTPError):  # best effort: the remote job expires on its own
            self.client.delete(f"/v1/videos/{video_id}")

    def _pause(self, video_id: str) -> None:
        """Wait until the next poll; with webhooks, poll a sixth as often and wake when one arrives."""
        poll = settings.GENERATION_REMOTE_POLL_S
        if not settings.GENERATION_REMOTE_WEBHOOK_SECRET:
            time.sleep(poll)
            return
        until = time.monotonic() + poll * 6
        while time.monotonic() < until and cache.get(_WEBHOOK_KEY.format(video_id)) is None:
            time.sleep(min(poll, 0.5))

    def _wait(self, video_id: str, ctx: RenderContext) -> None:
        deadline = time.monotonic() + settings.GENERATION_REMOTE_DEADLINE_S
        while True:
            body = self._call("GET", f"/v1/videos/{video_id}").json()
            status = body.get("status")
            if status == "completed":
                return
            if status == "failed":
                error = body.get("error") or {}
                message = error.get("message", "") if isinstance(error, dict) else str(error)
                raise RenderFailed("remote_failed", message or "the remote service failed the video")
            ctx.step(float(body.get("progress") or 0) / 100 * 0.95)  # heartbeat; raises when cancelled
            if time.monotonic() > deadline:
                self._delete(video_id)
                raise RenderFailed(
                    "remote_timeout", f"no result within {settings.GENERATION_REMOTE_DEADLINE_S:.0f} s"
                )
            self._pause(video_id)

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        video_id = self._create(request)
        try:
            self._wait(video_id, ctx)
        except RenderCancelled:
            self._delete(video_id)
            raise
        data = self._call("GET", f"/v1/videos/{video_id}/content").content
        frames, fps, audio, rate = decode_mp4(data)
        fitted = fitting.fit_frames(frames, request.width, request.height)
        out = fitting.retime(fitted, src_fps=fps, fps=request.fps, count=request.frame_count)
        if audio is None:
            audio, rate = np.zeros((1, request.duration_s * 48_000), np.float32), 48_000
        ctx.step(1.0)
        return RenderResult(
            frames=out, audio=audio[:, : request.duration_s * rate], sample_rate=rate, model_id=self.model_id
        )
