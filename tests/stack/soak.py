"""A bounded mixed load on the stack, and the samples that show whether it holds steady.

Virtual members (threads) sign up with invites, generate, publish, read both
feeds, like and unlike, comment, and hold WebSocket sessions, each pausing
between actions; generations are capped per member so the GPU worker's queue
stays bounded. Every few seconds the sampler records each process's resident
memory, PostgreSQL's connections and Redis's clients.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import threading
import time
from collections import Counter
from typing import Any

import httpx

from tests.stack.client import Member
from tests.stack.processes import wait_for

SAMPLE_EVERY_S = 5.0
TERMINAL = ("ready", "failed", "blocked", "cancelled")


class Load:
    def __init__(self, stack: Any, codes: list[str], *, users: int, seed: int = 15) -> None:
        self.stack = stack
        self.codes = codes
        self.users = users
        self.rng = random.Random(seed)
        self.statuses: Counter[str] = Counter()
        self.ops: Counter[str] = Counter()
        self.errors: list[str] = []
        self.posts: list[str] = []
        self.members: list[Member] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def record(self, op: str, response: httpx.Response) -> None:
        with self.lock:
            self.ops[op] += 1
            self.statuses[str(response.status_code)] += 1
            if response.status_code >= 500:
                self.errors.append(f"{op}: {response.status_code} {response.text[:300]}")

    def new_member(self) -> Member:
        with self.lock:
            code = self.codes.pop() if self.codes else None
        if code is None:
            raise LookupError("no invite code left")
        member = Member(self.stack.base_url, self.stack.ws_url, invite_code=code, prefix="soak")
        with self.lock:
            self.ops["signup"] += 1
            self.statuses["201"] += 1
            self.members.append(member)
        return member

    def user_loop(self, index: int) -> None:
        rng = random.Random(index)
        me = self.new_member()
        pending: list[str] = []
        while not self.stop.is_set():
            try:
                self.step(me, rng, pending)
            except (httpx.HTTPError, OSError) as exc:
                with self.lock:
                    self.errors.append(f"transport: {type(exc).__name__}: {exc}")
            except Exception as exc:  # a failed check of the client (e.g. a WS session not answering)
                with self.lock:
                    self.errors.append(f"client: {type(exc).__name__}: {exc}")
            self.stop.wait(rng.uniform(0.2, 0.6))

    def step(self, me: Member, rng: random.Random, pending: list[str]) -> None:
        roll = rng.random()
        if pending:
            job = me.call("GET", f"/generations/{pending[0]}")
            self.record("job_poll", job)
            if job.status_code == 200 and job.json()["state"] in TERMINAL:
                pending.pop(0)
                if job.json()["state"] == "ready":
                    body = {"generation_id": job.json()["id"], "caption": "soak", "visibility": "public"}
                    made = me.call("POST", "/posts", json=body)
                    self.record("publish", made)
                    if made.status_code == 201:
                        with self.lock:
                            self.posts.append(str(made.json()["id"]))
        if roll < 0.06 and len(pending) < 1:
            made = me.call(
                "POST", "/generations", json={"mode": "text", "prompt": f"soak scene {rng.random()}"}
            )
            self.record("generate", made)
            if made.status_code == 202:
                pending.append(str(made.json()["id"]))
        elif roll < 0.45:
            kind = rng.choice(["for_you", "following"])
            self.record(f"feed_{kind}", me.call("GET", "/feed", params={"kind": kind}))
        elif roll < 0.65 and self.posts:
            post = rng.choice(self.posts)
            method = rng.choice(["POST", "DELETE"])
            self.record("like", me.call(method, f"/posts/{post}/like"))
        elif roll < 0.75 and self.posts:
            post = rng.choice(self.posts)
            self.record("comment", me.call("POST", f"/posts/{post}/comments", json={"text": "nice one"}))
        elif roll < 0.82 and self.members:
            other = rng.choice(self.members)
            if other is not me:
                self.record("follow", me.call("POST", f"/users/{other.id}/follow"))
        elif roll < 0.88:
            self.ws_session(me, rng)
        elif roll < 0.9 and len(self.codes) > 0:
            self.new_member()
        else:
            self.record("me", me.call("GET", "/me"))

    def ws_session(self, me: Member, rng: random.Random) -> None:
        events = me.events()
        try:
            events.ping()
            wait_for("pong", lambda: events.of("pong"), timeout=30)
            self.stop.wait(rng.uniform(0.5, 3.0))
        finally:
            events.close()
        with self.lock:
            self.ops["ws_session"] += 1


class Sampler:
    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.samples: list[dict[str, Any]] = []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def sample(self) -> dict[str, Any]:
        rss = {name: sum(proc.rss_bytes().values()) for name, proc in self.stack.procs.items()}
        pg = self.stack.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'sora'")[0][0]
        clients = self.stack.redis().info("clients")["connected_clients"]
        return {"t": round(time.monotonic() - self.started, 1), "rss": rss, "pg": pg, "redis": clients}

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(Exception):
                self.samples.append(self.sample())
            self.stop.wait(SAMPLE_EVERY_S)


def _series_summary(values: list[float]) -> dict[str, float]:
    """Warm-up (first quarter's last value), the second quarter's median (`mid`), the last
    quarter's median (`end`) and the peak. A leak grows with time: `end` well above `mid`."""
    quarter = max(1, len(values) // 4)
    warm = values[quarter - 1]
    mid = statistics.median(values[quarter : 2 * quarter] or values[-quarter:])
    end = statistics.median(values[-quarter:])
    return {"warm": warm, "mid": mid, "end": end, "max": max(values), "growth": end - warm}


def run_soak(stack: Any, take_invite: Any, *, seconds: float, users: int = 8) -> dict[str, Any]:
    # Invites first (one `manage.py` run), so the clock measures only the load.
    codes = [take_invite() for _ in range(users * 4)]
    load, sampler = Load(stack, codes, users=users), Sampler(stack)
    sampling = threading.Thread(target=sampler.run, daemon=True)
    sampling.start()
    threads = [threading.Thread(target=load.user_loop, args=(i,), daemon=True) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=120)
    ran = time.monotonic() - started
    # No job stuck: every job started during the soak ends (the reconciler handles lost nudges).
    stuck_query = (
        "SELECT count(*) FROM generation_job WHERE state NOT IN ('ready', 'failed', 'blocked', 'cancelled')"
    )
    with contextlib.suppress(TimeoutError):
        wait_for("jobs terminal", lambda: stack.sql(stuck_query)[0][0] == 0, timeout=240, every=1)
    stuck = stack.sql(stuck_query)[0][0]
    states = dict(stack.sql("SELECT state, count(*) FROM generation_job GROUP BY state"))
    sampler.stop.set()
    sampling.join(timeout=30)
    sampler.samples.append(sampler.sample())
    samples = sampler.samples
    mib = 1024 * 1024
    return {
        "seconds": round(ran, 1),
        "users_threads": users,
        "members": len(load.members),
        "requests": sum(load.statuses.values()),
        "requests_per_s": round(sum(load.statuses.values()) / ran, 1),
        "ops": dict(load.ops),
        "statuses": dict(load.statuses),
        "server_errors": sum(v for k, v in load.statuses.items() if k.startswith("5")),
        "errors": load.errors[:50],
        "jobs": states,
        "stuck_jobs": stuck,
        "rss_mib": {
            name: {
                k: round(v / mib, 1) for k, v in _series_summary([s["rss"][name] for s in samples]).items()
            }
            for name in stack.procs
        },
        "pg_connections": _series_summary([s["pg"] for s in samples]),
        "redis_clients": _series_summary([s["redis"] for s in samples]),
        "samples": samples,
    }
