"""Tokens never reach the logs: `/ws/` lines lose their query string; other lines keep theirs."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sora_social.common.logs import StripWebSocketQuery

ROOT = Path(__file__).resolve().parents[2]


def _record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_filter_strips_the_query_of_websocket_lines():
    """uvicorn's handshake and access lines for /ws/ keep the path and lose `?token=`/`?ticket=`."""
    strip = StripWebSocketQuery()
    handshake = _record(
        "uvicorn.error", '%s - "WebSocket %s" [accepted]', "10.0.0.1:5", "/ws/?token=eyJsecret"
    )
    access = _record(
        "uvicorn.access", '%s - "%s %s HTTP/%s" %d', "10.0.0.1:5", "GET", "/ws/?ticket=abc&x=1", "1.1", 403
    )
    formatted = _record("daphne.access", '10.0.0.1 - "WSCONNECT /ws/?token=eyJsecret" 1.2.3.4')
    for record in (handshake, access, formatted):
        assert strip.filter(record) is True
        message = record.getMessage()
        assert "secret" not in message, message
        assert "abc" not in message, message
        assert "/ws/" in message
    other = _record(
        "uvicorn.access", '%s - "%s %s HTTP/%s" %d', "c", "GET", "/api/v1/feed?cursor=x", "1.1", 200
    )
    strip.filter(other)
    assert "/api/v1/feed?cursor=x" in other.getMessage()


def test_the_filter_is_on_the_servers_loggers():
    """Once Django is set up, a line logged the way uvicorn logs it reaches handlers without the token."""
    # A handler on the logger itself: uvicorn's own logging config (applied by any
    # test that started a server in this process) stops propagation to the root.
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("uvicorn.error")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info('%s - "WebSocket %s" 403', "10.0.0.1:5", "/ws/?token=eyJsecret")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert records
    assert all("eyJsecret" not in r.getMessage() for r in records)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_lines(stream, lines: list[str], started: threading.Event) -> None:
    for line in stream:
        lines.append(line)
        if "Uvicorn running on" in line:
            started.set()


def test_a_real_server_never_logs_the_token():
    """uvicorn serving the app logs a refused `/ws/?token=` handshake without the token."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sora_social.settings.test"}
    command = [sys.executable, "-m", "uvicorn", "sora_social.asgi:application", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--lifespan", "off"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    started = threading.Event()
    reader = threading.Thread(target=_read_lines, args=(server.stdout, lines, started), daemon=True)
    reader.start()
    try:
        assert started.wait(120), "".join(lines)
        with pytest.raises(InvalidStatus) as refused:
            connect(f"ws://127.0.0.1:{port}/ws/?token=eyJsecret-token-value", open_timeout=30).close()
        assert refused.value.response.status_code == 403
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    output = "".join(lines)
    assert "/ws/" in output, output
    assert "eyJsecret-token-value" not in output, output
