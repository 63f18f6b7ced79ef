"""OS processes of the stack: each in its own process group, logs to a file, ended as a group.

Nothing here is a mock: `Proc` starts a real executable with `subprocess.Popen`
(`start_new_session=True`, so a SIGKILL of the group takes a prefork worker's
children or uvicorn's workers with it), and `kill` sends a real signal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, predicate: Callable[[], Any], *, timeout: float = 60.0, every: float = 0.2) -> Any:
    """Poll `predicate` until it returns something truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception as exc:
            last = exc
            value = None
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"{what} not reached in {timeout:.0f}s (last error: {last!r})")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Proc:
    """One long-running process of the stack (a server, a worker)."""

    name: str
    argv: Sequence[str]
    log_dir: Path
    env: dict[str, str]
    cwd: Path
    user: str | None = None
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0
    _log: Any = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        if self.alive():
            return
        self.starts += 1
        self._log = self.log_path.open("ab")
        self._log.write(f"\n=== start #{self.starts}: {' '.join(self.argv)}\n".encode())
        self._log.flush()
        self.popen = subprocess.Popen(
            list(self.argv),
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            user=self.user,
        )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole process group, and reap the leader if the signal ends it."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
            # Children of a killed leader (prefork pool, uvicorn workers) are in its group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            if self._log is not None:
                self._log.close()

    def stop(self) -> None:
        """Ask nicely (SIGTERM), then SIGKILL the group."""
        if not self.alive():
            self.kill(signal.SIGKILL)
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            assert self.popen is not None
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self.kill(signal.SIGKILL)

    def tree(self) -> list[psutil.Process]:
        """The leader and its descendants (for RSS sampling and for killing a child)."""
        if not self.alive():
            return []
        try:
            leader = psutil.Process(self.pid)
            return [leader, *leader.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_bytes(self) -> dict[int, int]:
        """Resident memory of each process of the group, as PSS (shared pages split among their
        sharers, so PostgreSQL's shared buffers or a prefork pool's inherited pages count once)."""
        out = {}
        for proc in self.tree():
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = proc.memory_full_info()
                out[proc.pid] = getattr(info, "pss", info.rss)
        return out

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""


def run_once(
    argv: Sequence[str], *, env: dict[str, str], cwd: Path, timeout: float = 600, user: str | None = None
) -> str:
    """A one-off command of the stack (migrate, invites create): its stdout, or an error with its output."""
    result = subprocess.run(
        list(argv), env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, user=user
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout
