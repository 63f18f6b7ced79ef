"""Snowflake ids: unique, time-ordered, opaque strings in the API."""

from __future__ import annotations

import threading
import time

from sora_social.common.ids import id_time_ms, new_id, new_ids, parse_id


def test_ids_are_unique_and_increasing_across_threads():
    """Eight threads drawing 20,000 ids each never collide, and each thread's ids increase."""
    results: list[list[int]] = []

    def draw() -> None:
        results.append([new_id() for _ in range(20_000)])

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [value for chunk in results for value in chunk]
    assert len(set(flat)) == len(flat)
    assert all(chunk == sorted(chunk) for chunk in results)


def test_ids_carry_their_creation_time():
    """The id's timestamp is the wall clock at creation, to the millisecond."""
    before = int(time.time() * 1000)
    value = new_ids(3)[-1]
    after = int(time.time() * 1000)
    assert before <= id_time_ms(value) <= after + 1
    assert 0 < value < 2**63


def test_parse_id_rejects_what_is_not_an_id():
    """Malformed ids parse to None (views answer 404), valid ones to ints."""
    assert parse_id("123") == 123
    assert parse_id(123) == 123
    for bad in ["", "abc", "-1", "0", "9" * 20, None, 1.5, str(2**63)]:
        assert parse_id(bad) is None, bad


HOLD_NODE = (
    "import sys, django; django.setup(); from sora_social.common.ids import new_id; "
    "print((new_id() >> 12) & 1023, flush=True); sys.stdin.read()"
)


def test_processes_lease_distinct_snowflake_nodes():
    """Processes started with one SNOWFLAKE_NODE each mint ids with a different node; an exited one's is reused."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sora_social.settings.base", "SNOWFLAKE_NODE": "7"}

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", HOLD_NODE],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    procs = [start() for _ in range(5)]
    try:
        nodes = [int(proc.stdout.readline()) for proc in procs]
        assert len(set(nodes)) == 5, nodes
        assert 7 in nodes
        first = procs[nodes.index(7)]
        first.communicate(timeout=60)  # closes its stdin: the process exits and its lease ends
        late = start()
        procs.append(late)
        assert int(late.stdout.readline()) == 7
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.communicate(timeout=60)
