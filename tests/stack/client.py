"""What a phone does against the stack: HTTP with a bearer token, and the event WebSocket."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.stack.processes import wait_for

_serial = itertools.count(1)


class Member:
    def __init__(self, base_url: str, ws_url: str, *, invite_code: str, prefix: str = "m") -> None:
        self.base_url, self.ws_url = base_url, ws_url
        n = next(_serial)
        self.username = f"{prefix}{int(time.time() * 1000) % 10**9}x{n}"
        self.password = f"stack-pass-{n}-Zq9!"
        body = {
            "invite_code": invite_code,
            "username": self.username,
            "email": f"{self.username}@stack.test",
            "password": self.password,
            "birthdate": "1990-01-01",
            "region": "US",
        }
        # Idle connections are dropped by the client before uvicorn's 5 s keep-alive ends them;
        # otherwise a request sent as the server closes the idle connection meets a reset
        # (a race every HTTP/1.1 client with keep-alive must avoid, not a server error).
        self.http = httpx.Client(
            base_url=f"{base_url}/api/v1", timeout=60, limits=httpx.Limits(keepalive_expiry=2.0)
        )
        response = self.http.post("/auth/signup", json=body)
        assert response.status_code == 201, response.text
        data = response.json()
        self.id: str = data["user"]["id"]
        self.http.headers["Authorization"] = f"Bearer {data['access']}"

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def ok(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def invite_codes(self) -> list[str]:
        mine = self.ok("GET", "/me/invites")
        items = mine["results"] if isinstance(mine, dict) else mine
        return [item["code"] for item in items if item.get("state") == "available"]

    def generate(self, prompt: str, **extra: Any) -> str:
        job = self.ok("POST", "/generations", expect=202, json={"mode": "text", "prompt": prompt, **extra})
        return str(job["id"])

    def job(self, job_id: str) -> dict[str, Any]:
        return self.ok("GET", f"/generations/{job_id}")

    def wait_job(self, job_id: str, timeout: float = 180) -> dict[str, Any]:
        terminal = {"ready", "failed", "blocked", "cancelled"}
        return wait_for(
            f"job {job_id} terminal",
            lambda: (j := self.job(job_id))["state"] in terminal and j,
            timeout=timeout,
            every=0.5,
        )

    def publish(self, job_id: str, caption: str = "from the stack") -> str:
        post = self.ok(
            "POST",
            "/posts",
            expect=201,
            json={"generation_id": job_id, "caption": caption, "visibility": "public"},
        )
        return str(post["id"])

    def follow(self, other: Member) -> None:
        response = self.call("POST", f"/users/{other.id}/follow")
        assert response.status_code in (200, 201, 204), response.text

    def feed_ids(self, kind: str = "following") -> list[str]:
        page = self.ok("GET", "/feed", params={"kind": kind})
        return [str(item["post"]["id"] if "post" in item else item["id"]) for item in page["results"]]

    def events(self) -> Events:
        ticket = self.ok("POST", "/ws-ticket", expect=201)["ticket"]
        return Events(f"{self.ws_url}?ticket={ticket}")


class Events:
    """One WebSocket session: a thread collects every event the server pushes."""

    def __init__(self, url: str) -> None:
        self.received: list[dict[str, Any]] = []
        self.closed = threading.Event()
        self.close_code: int | None = None
        self._ws = connect(url, open_timeout=30, max_size=2**20, legacy=True)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        wait_for("WebSocket hello", lambda: any(e.get("type") == "hello" for e in self.received), timeout=30)

    def _read(self) -> None:
        try:
            for message in self._ws:
                self.received.append(json.loads(message))
        except (ConnectionClosed, OSError):
            pass
        finally:
            self.close_code = self._ws.close_code
            self.closed.set()

    def ping(self) -> None:
        self._ws.send(json.dumps({"type": "ping"}))

    def of(self, kind: str, job_id: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.received
            if e.get("type") == kind and (job_id is None or str(e.get("id")) == job_id)
        ]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ws.close()
        self._thread.join(timeout=10)
