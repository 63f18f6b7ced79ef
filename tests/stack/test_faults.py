"""Faults on the real stack: a real signal to a real process, then what the client saw and what is left.

Each test ends with the whole stack running again (the `live` fixture starts
whatever it killed). docs/RELIABILITY.md tabulates them.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import httpx
import pytest

from tests.stack.client import Member
from tests.stack.processes import wait_for

TERMINAL = ("ready", "failed", "blocked", "cancelled")


def _job_row(stack: Any, job_id: str) -> dict[str, Any]:
    cols = ("state", "attempts", "video", "poster", "errors", "progress")
    row = stack.sql(f"SELECT {', '.join(cols)} FROM generation_job WHERE id = %s", [int(job_id)])[0]  # noqa: S608
    return dict(zip(cols, row, strict=True))


def _job_keys(stack: Any, row: dict[str, Any]) -> list[str]:
    return [key for key in stack.s3_keys() if key in (row["video"], row["poster"])]


def _assert_503(response: httpx.Response, dependency: str) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["details"]["dependency"] == dependency


def _pids(stack: Any, *names: str) -> dict[str, int]:
    return {name: stack.procs[name].pid for name in names}


# Enrols a real face (a photo shipped with insightface) as a verified cameo of one member, the
# way the demo seeder does, in a process of the stack's own environment; prints the cameo's id.
ENROL = """
from pathlib import Path
import insightface, numpy as np
from PIL import Image
from cameos.faces import get_backend
from cameos.models import Cameo
from cameos.seeding import _enrol
backend = get_backend()
photo = np.asarray(Image.open(Path(insightface.__file__).parent / "data" / "images" / "t1.jpg").convert("RGB"))
face = sorted(backend.detect(photo), key=lambda f: f.box[0])[0]
assert _enrol({username!r}, photo, face, "everyone", backend)
print("cameo", Cameo.objects.get(owner__username={username!r}).pk)
"""


def _enrol_cameo(stack: Any, username: str) -> str:
    out = stack.manage("shell", "-c", ENROL.format(username=username), timeout=300)
    return next(line.split()[1] for line in out.splitlines() if line.startswith("cameo "))


def test_gpu_worker_sigkilled_mid_render_finishes_exactly_once(live, member):
    """SIGKILL of the GPU worker's process group while it renders a clip casting another member's
    cameo: the reconciler takes the job back, a new worker renders it again, and it is finished
    once: one file set, one event, one appearance row and one notification to the cameo's owner."""
    owner, star = member("gpu"), member("star")
    cameo_id = _enrol_cameo(live, star.username)
    events = owner.events()
    keys_before = set(live.s3_keys())
    job_id = owner.generate("a slow pan over a mountain lake", duration_s=25, cameos=[cameo_id])
    wait_for(
        "render under way",
        lambda: (r := _job_row(live, job_id))["state"] == "rendering" and r["progress"] > 0.15,
        timeout=120,
        every=0.05,
    )
    live.kill("worker_gpu", signal.SIGKILL)
    killed_at = _job_row(live, job_id)
    assert killed_at["state"] == "rendering", killed_at
    assert killed_at["attempts"] == 1
    live.restart("worker_gpu")

    job = owner.wait_job(job_id, timeout=240)
    assert job["state"] == "ready", job
    row = _job_row(live, job_id)
    assert row["attempts"] == 2
    assert any("worker lost in rendering" in e["error"] for e in row["errors"]), row["errors"]
    # One file set: the two names the job holds, and nothing else new in the bucket.
    assert set(live.s3_keys()) - keys_before == {row["video"], row["poster"]}
    wait_for("generation.finished", lambda: events.of("generation.finished", job_id), timeout=30)
    time.sleep(2)  # room for a duplicate to arrive, if one were coming; the count below must be 1
    assert [e["state"] for e in events.of("generation.finished", job_id)] == ["ready"]
    assert httpx.get(job["video_url"], timeout=30).status_code == 200
    appearances = live.sql(
        "SELECT cameo_id, source FROM cameos_appearance WHERE kind = 'generation' AND object_id = %s",
        [int(job_id)],
    )
    assert appearances == [(int(cameo_id), "cast")]
    casts = live.sql(
        "SELECT count(*) FROM notifications_notification WHERE user_id = %s AND kind = 'cameo.cast'",
        [int(star.id)],
    )
    assert casts == [(1,)]
    events.close()


def test_web_sigkilled_mid_request_leaves_no_partial_state(live, member, invites):
    """SIGKILL of the web tier (supervisor and workers) while writes are in flight: every write
    either happened whole or not at all (stored counters equal the rows, signups hold their invite)."""
    creator = member("web")
    job_id = creator.generate("fireworks over a harbour")
    assert creator.wait_job(job_id)["state"] == "ready"
    post_id = creator.publish(job_id)
    fans = [member("fan") for _ in range(4)]
    codes = [invites.take() for _ in range(6)]
    stop = threading.Event()
    outcomes: list[str] = []

    def hammer(fan: Member, n: int) -> None:
        while not stop.is_set():
            for method, path, body in (
                ("POST", f"/posts/{post_id}/like", None),
                ("POST", f"/posts/{post_id}/comments", {"text": f"wow {n}"}),
                ("DELETE", f"/posts/{post_id}/like", None),
            ):
                try:
                    outcomes.append(str(fan.call(method, path, json=body).status_code))
                except httpx.HTTPError as exc:
                    outcomes.append(type(exc).__name__)

    def signups() -> None:
        for code in codes:
            try:
                Member(live.base_url, live.ws_url, invite_code=code, prefix="late")
                outcomes.append("signup")
            except (AssertionError, httpx.HTTPError) as exc:
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=hammer, args=(fan, i)) for i, fan in enumerate(fans)]
    threads.append(threading.Thread(target=signups))
    for thread in threads:
        thread.start()
    wait_for("writes in flight", lambda: len(outcomes) >= 12, timeout=60, every=0.02)
    live.kill("web", signal.SIGKILL)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert any(o not in ("200", "201", "204", "signup") for o in outcomes), "the kill hit no request"
    live.restart("web")

    like_count, comment_count = live.sql(
        "SELECT like_count, comment_count FROM feed_post WHERE id = %s", [int(post_id)]
    )[0]
    likes = live.sql("SELECT count(*) FROM feed_like WHERE post_id = %s", [int(post_id)])[0][0]
    comments = live.sql(
        "SELECT count(*) FROM feed_comment WHERE post_id = %s AND state = 'visible'", [int(post_id)]
    )[0][0]
    assert (like_count, comment_count) == (likes, comments)
    # A member exists exactly when the invite says it was redeemed by them.
    orphans = live.sql(
        "SELECT count(*) FROM accounts_user u WHERE u.username LIKE 'late%%'"
        " AND NOT EXISTS (SELECT 1 FROM accounts_invitecode c WHERE c.redeemed_by_id = u.id)"
    )[0][0]
    half_redeemed = live.sql(
        "SELECT count(*) FROM accounts_invitecode WHERE state = 'redeemed' AND redeemed_by_id IS NULL"
    )[0][0]
    assert (orphans, half_redeemed) == (0, 0)
    # The API works on the restarted tier, and the counters keep agreeing.
    assert creator.ok("GET", f"/posts/{post_id}")["id"] == post_id


def test_redis_restarted_mid_run(live, member):
    """Redis killed with a job's message in its queue: 503 service_unavailable + Retry-After while
    down, /readyz names it; after a restart (empty: no persistence) every process recovers by
    itself, the reconciler re-sends the lost message, and a reconnected socket hears the job finish."""
    owner = member("redis")
    before = _pids(live, "web", "worker_gpu", "beat")
    jobs_before = live.sql("SELECT count(*) FROM generation_job")[0][0]
    live.kill("worker_cpu")  # the job's first message waits in Redis, unconsumed
    job_id = owner.generate("rain on a tin roof at night")
    live.kill("redis")

    _assert_503(owner.call("GET", "/me"), "redis")
    _assert_503(owner.call("POST", "/generations", json={"mode": "text", "prompt": "x y z"}), "redis")
    ready = httpx.get(f"{live.base_url}/readyz", timeout=60)
    assert ready.status_code == 503
    assert "broker" in ready.json()["failing"]
    assert (
        live.sql("SELECT count(*) FROM generation_job")[0][0] == jobs_before + 1
    )  # the refused one is not there

    live.start_redis()
    live.restart("worker_cpu")
    wait_for("API answering again", lambda: owner.call("GET", "/me").status_code == 200, timeout=60)
    events = wait_for("a new socket", owner.events, timeout=60)
    job = owner.wait_job(job_id, timeout=180)
    assert job["state"] == "ready", job
    wait_for("generation.finished on the new socket", lambda: events.of("generation.finished", job_id))
    assert _pids(live, "web", "worker_gpu", "beat") == before, "a process was restarted"
    assert all(live.procs[n].alive() for n in before)
    events.close()


def test_postgres_restarted(live, member):
    """PostgreSQL killed (SIGKILL of the postmaster group) and started again: 503 database while
    down, /readyz names it; the pools reconnect by themselves and work goes on."""
    owner = member("pg")
    before = _pids(live, "web", "worker_cpu", "worker_gpu", "beat")
    live.kill("postgres")
    _assert_503(owner.call("GET", "/me"), "database")
    ready = httpx.get(f"{live.base_url}/readyz", timeout=60)
    assert ready.status_code == 503
    assert "database" in ready.json()["failing"]

    live.start_postgres()
    wait_for("API answering again", lambda: owner.call("GET", "/me").status_code == 200, timeout=90)
    statuses = [owner.call("GET", "/me").status_code for _ in range(20)]
    assert statuses == [200] * 20  # every pooled connection is a live one again
    job = owner.wait_job(owner.generate("a paper boat in a gutter stream"), timeout=180)
    assert job["state"] == "ready", job
    assert _pids(live, "web", "worker_cpu", "worker_gpu", "beat") == before, "a process was restarted"


def test_s3_unreachable_generation_retries_and_is_never_ready_without_files(live, member):
    """S3 cut off (the relay to moto closed): the finishing step fails, the job goes back to
    waiting for a GPU and retries; it is ready only once its files are in the bucket."""
    owner = member("s3")
    live.s3_proxy.down()
    try:
        job_id = owner.generate("a neon sign flickering in fog")
        wait_for(
            "a failed store recorded",
            lambda: _job_row(live, job_id)["errors"],
            timeout=120,
        )
        row = _job_row(live, job_id)
        assert row["state"] != "ready"
        assert row["video"] in ("", None)
        ready = httpx.get(f"{live.base_url}/readyz", timeout=120)
        assert ready.status_code == 503
        assert "storage" in ready.json()["failing"]
    finally:
        live.s3_proxy.up()
    job = owner.wait_job(job_id, timeout=180)
    row = _job_row(live, job_id)
    if job["state"] == "ready":
        assert sorted(_job_keys(live, row)) == sorted([row["video"], row["poster"]])
        assert httpx.get(job["video_url"], timeout=30).status_code == 200
    else:  # out of attempts while S3 was away: failed, with nothing stored
        assert job["state"] == "failed", job
        assert not row["video"]
    assert row["attempts"] >= 2


def test_a_task_delivered_twice_changes_nothing(live, member):
    """The same messages sent again (advance, render, fan-out, reconcile) after the job is ready
    and published: the job row, the files, the events and the follower's feed stay as they were."""
    creator, fan = member("dup"), member("dupfan")
    fan.follow(creator)
    job_id = creator.generate("a kite over a beach")
    assert creator.wait_job(job_id)["state"] == "ready"
    post_id = creator.publish(job_id)
    wait_for("fan-out", lambda: post_id in fan.feed_ids("following"))
    events = creator.events()
    snapshot = (
        _job_row(live, job_id),
        live.s3_keys(),
        live.sql("SELECT like_count, comment_count FROM feed_post WHERE id = %s", [int(post_id)]),
        fan.feed_ids("following"),
        live.sql("SELECT count(*) FROM notifications_notification")[0][0],
    )
    for name, kwargs in (
        ("generation.advance", {"job_id": int(job_id)}),
        ("generation.gpu.render", {"job_id": int(job_id)}),
        ("feed.fanout_post", {"post_id": int(post_id)}),
        ("generation.reconcile", {}),
    ):
        for _ in range(2):
            live.send_task(name, **kwargs)
    # A marker behind the duplicates on the GPU queue (one process, in order) and on the others.
    for queue in ("gpu", "media", "feed", "default"):
        live.celery().send_task(
            "common.echo_to_user",
            kwargs={"user_id": int(creator.id), "echo_id": queue, "message": "after"},
            queue=queue,
        )
    wait_for("markers back", lambda: len(events.of("diagnostics.echo")) == 4, timeout=60)
    r = live.redis()
    wait_for("queues drained", lambda: all(r.llen(q) == 0 for q in ("gpu", "media", "feed", "default")))
    after = (
        _job_row(live, job_id),
        live.s3_keys(),
        live.sql("SELECT like_count, comment_count FROM feed_post WHERE id = %s", [int(post_id)]),
        fan.feed_ids("following"),
        live.sql("SELECT count(*) FROM notifications_notification")[0][0],
    )
    assert after == snapshot
    assert events.of("generation.finished", job_id) == []
    assert events.of("generation.progress", job_id) == []
    events.close()


@pytest.fixture(autouse=True)
def _no_stray_processes(live):
    """Each fault test leaves every process of the stack running."""
    yield
    assert all(proc.alive() for proc in live.procs.values()), {n: p.alive() for n, p in live.procs.items()}
