"""Fixtures of the multi-process stack tests (`make faults`).

These tests start real servers and kill real processes, so they are not part
of `make test`: they are collected only with SORA_STACK=1 (the `faults`
target sets it). One stack serves the whole session; after each test every
process is running again and /readyz is ready.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.stack.client import Member
from tests.stack.stack import Stack

collect_ignore_glob = [] if os.environ.get("SORA_STACK") == "1" else ["test_*.py"]


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    running = Stack()
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def live(stack: Stack) -> Iterator[Stack]:
    """The stack, whole again after the test (whatever the test killed is started again)."""
    yield stack
    if not stack.s3_proxy.is_up:
        stack.s3_proxy.up()
    for name in ("postgres", "redis"):
        if not stack.procs[name].alive():
            getattr(stack, f"start_{name}")()
    for name in ("web", "worker_cpu", "worker_gpu", "beat"):
        if not stack.procs[name].alive():
            stack.restart(name)
    stack.wait_web_ready()


class Invites:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.codes: list[str] = []

    def take(self) -> str:
        if not self.codes:
            out = self.stack.manage("invites", "create", "--count", "200", "--note", "stack tests")
            self.codes = out.split()
        return self.codes.pop()


@pytest.fixture(scope="session")
def invites(stack: Stack) -> Invites:
    return Invites(stack)


@pytest.fixture
def member(stack: Stack, invites: Invites) -> Callable[..., Member]:
    def make(prefix: str = "m") -> Member:
        return Member(stack.base_url, stack.ws_url, invite_code=invites.take(), prefix=prefix)

    return make
