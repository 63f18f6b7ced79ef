"""A fake `/v1/videos` service: the remote boundary we do not run, as a small ASGI app served by
uvicorn in a thread. Behaviour per test via `mode`: ok, fail, never (never finishes), flaky
(first status call 503), slow (status calls hang past the client's timeout)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import numpy as np

from generation import media

KEY = "test-key"


def _clip(width: int = 180, height: int = 320, fps: int = 30, seconds: int = 2) -> bytes:
    n = fps * seconds
    frames = np.zeros((n, height, width, 3), np.uint8)
    for i in range(n):
        frames[i, :, :, 0] = 40 + i * 3 % 200
        frames[i, height // 3 : height // 2, (i * 4) % width :, 2] = 220
    t = np.arange(seconds * 48_000) / 48_000
    audio = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
    return media.encode_mp4(frames, audio, sample_rate=48_000, fps=fps)


class FakeVideos:
    def __init__(self) -> None:
        self.mode = "ok"
        self.jobs: dict[str, dict[str, Any]] = {}
        self.created: list[dict[str, Any]] = []
        self.deleted: list[str] = []
        self.calls: list[str] = []
        self.content = _clip()

    async def _body(self, receive: Any) -> bytes:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        return body

    @staticmethod
    def _form(headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if headers.get("content-type", "").startswith("application/json"):
            return dict(json.loads(body))
        raw = f"Content-Type: {headers['content-type']}\r\n\r\n".encode() + body
        form: dict[str, Any] = {}
        for part in BytesParser(policy=HTTP).parsebytes(raw).iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            form[name] = payload if part.get_filename() else payload.decode()
        return form

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = await self._body(receive)
        method, path = scope["method"], scope["path"]
        self.calls.append(f"{method} {path}")
        if headers.get("authorization") != f"Bearer {KEY}":
            return await self._send(send, 401, {"error": {"message": "bad key"}})
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/videos":
            form = self._form(headers, body)
            video_id = f"video_{len(self.jobs) + 1}"
            self.jobs[video_id] = {"polls": 0, "status": "queued"}
            self.created.append(form)
            return await self._send(
                send, 200, {"id": video_id, "object": "video", "status": "queued", "progress": 0}
            )
        if len(parts) < 3 or parts[2] not in self.jobs:
            return await self._send(send, 404, {"error": {"message": "no such video"}})
        video_id, job = parts[2], self.jobs[parts[2]]
        if method == "DELETE":
            self.deleted.append(video_id)
            job["status"] = "deleted"
            return await self._send(send, 200, {"id": video_id, "deleted": True})
        if len(parts) == 4 and parts[3] == "content":
            return await self._send(send, 200, self.content, content_type="video/mp4")
        return await self._status(send, video_id, job)

    async def _status(self, send: Any, video_id: str, job: dict[str, Any]) -> None:
        job["polls"] += 1
        if self.mode == "flaky" and job["polls"] == 1:
            return await self._send(send, 503, {"error": {"message": "try again"}})
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "fail" and job["polls"] >= 2:
            body = {"id": video_id, "status": "failed", "error": {"message": "moderation_blocked upstream"}}
            return await self._send(send, 200, body)
        done = self.mode in ("ok", "flaky") and job["polls"] >= 3
        progress = 100 if done else min(90, job["polls"] * 30)
        status = "completed" if done else ("queued" if job["polls"] == 1 else "in_progress")
        return await self._send(send, 200, {"id": video_id, "status": status, "progress": progress})

    @staticmethod
    async def _send(send: Any, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": data})


@contextmanager
def serve(fake: FakeVideos) -> Iterator[str]:
    """Serve `fake` on a free local port for the block; yields its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(fake, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "fake service did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
