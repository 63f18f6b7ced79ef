"""Request bodies over their route's limit: 413 payload_too_large before the body is read, nothing created."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from sora_social.accounts.models import User, WaitlistEntry
from tests.accounts.factories import UserFactory
from tests.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024
CHUNK = 256 * 1024


def _call(path: str, *, total: int, declare: bool, headers: list | None = None) -> tuple[int, dict, int]:
    """POST a `total`-byte body through the real ASGI application, made lazily chunk by chunk.

    Returns the status, the JSON body and how many body bytes the application pulled.
    """
    from sora_social.asgi import application

    pulled = 0
    sent: list[dict[str, Any]] = []
    hdrs = [(b"content-type", b"application/json"), *(headers or [])]
    if declare:
        hdrs.append((b"content-length", str(total).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": hdrs,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= total:
            await asyncio.sleep(3600)  # the client waits for the answer
        size = min(CHUNK, total - pulled)
        pulled += size
        return {"type": "http.request", "body": b" " * size, "more_body": pulled < total}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(application(scope, receive, send), 60))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], orjson.loads(body), pulled


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", ["/api/v1/auth/signup", "/api/v1/waitlist", "/api/v1/auth/token"])
def test_oversized_anonymous_body_is_413_unread(path: str, declare: bool) -> None:
    """50 MB to an anonymous endpoint: 413 payload_too_large; at most the limit plus one chunk is read."""
    users, entries = User.objects.count(), WaitlistEntry.objects.count()
    status, body, pulled = _call(path, total=50 * MB, declare=declare)
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert pulled <= (0 if declare else MB + CHUNK)
    assert (User.objects.count(), WaitlistEntry.objects.count()) == (users, entries)


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    ("path", "limit_mb"),
    [("/api/v1/generations", 1), ("/api/v1/uploads", 10), ("/api/v1/cameos/1/recording", 25)],
)
def test_oversized_authenticated_body_is_413_unread(path: str, limit_mb: int, declare: bool) -> None:
    """JSON and upload endpoints stop at their own limit (1 MB, image, recording), before Django reads."""
    auth = [(b"authorization", f"Bearer {bearer(UserFactory())}".encode())]
    status, body, pulled = _call(path, total=50 * MB, declare=declare, headers=auth)
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert pulled <= (0 if declare else limit_mb * MB + 64 * 1024 + CHUNK)


def test_body_within_limit_reaches_the_view() -> None:
    """A body under the limit passes through: an ordinary 400 from the view, not a 413."""
    status, body, _ = _call("/api/v1/waitlist", total=1000, declare=False)
    assert status == 400
    assert body["error"]["code"] != "payload_too_large"


def test_json_parser_refuses_oversized_bodies_without_the_middleware(api_client: Any, settings: Any) -> None:
    """The test client (no ASGI middleware): the parser's own limit answers 413, nothing created."""
    settings.API_MAX_JSON_BYTES = 1000
    payload = {"email": "a@example.com", "region": "US", "pad": "x" * 2000}
    response = api_client.post("/api/v1/waitlist", payload, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not WaitlistEntry.objects.exists()


def _uvicorn_post(tmp_path: Any, head: bytes, *, body_mb: int, chunked: bool) -> tuple[bytes, int, int, int]:
    """Start uvicorn on a Unix socket and POST `body_mb` MB after `head`, the body sent from a thread.

    Returns the answer's first bytes, the body bytes the server let us send
    before it answered and closed, and the server's RSS before and after.
    """
    import os
    import socket
    import subprocess
    import sys
    import threading
    import time

    import psutil

    sock_path = str(tmp_path / "web.sock")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sora_social.settings.test"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "sora_social.asgi:application",
            "--uds",
            sock_path,
            "--lifespan",
            "off",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sent = 0

    def send_body(client: socket.socket) -> None:
        nonlocal sent
        chunk = b"x" * (64 * 1024)
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
        try:
            while sent < body_mb * MB:
                client.sendall(frame)
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed

    try:
        for _ in range(300):
            if os.path.exists(sock_path):
                break
            time.sleep(0.1)
        client = socket.socket(socket.AF_UNIX)
        client.connect(sock_path)
        client.settimeout(60)
        before = psutil.Process(server.pid).memory_info().rss
        client.sendall(head)
        sender = threading.Thread(target=send_body, args=(client,), daemon=True)
        sender.start()
        answer = client.recv(200)
        after = psutil.Process(server.pid).memory_info().rss
        client.shutdown(socket.SHUT_RDWR)
        sender.join(30)
        client.close()
        return answer, sent, before, after
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_uvicorn_answers_413_without_reading_the_body(tmp_path: Any, chunked: bool) -> None:
    """A real uvicorn process sent 50 MB for the waitlist answers 413 before taking the body,
    and its memory does not grow by the body's size."""
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % (50 * MB)
    head = (
        b"POST /api/v1/waitlist HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + framing + b"\r\n"
    )
    answer, sent, before, after = _uvicorn_post(tmp_path, head, body_mb=50, chunked=chunked)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert sent < 10 * MB, sent
    assert after - before < 20 * MB, (before, after)
