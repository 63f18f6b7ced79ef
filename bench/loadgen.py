"""A small closed-loop HTTP load generator (asyncio streams, HTTP/1.1 keep-alive): N connections,
bounded time and requests. No dependency beyond the standard library."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass
class Result:
    path: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class _Conn:
    """One HTTP/1.1 keep-alive connection (asyncio streams; responses carry Content-Length)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n{head}\r\n".encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        await self.reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _run(
    base: str, paths: list[str], headers: dict[str, str], concurrency: int, duration: float, max_requests: int
) -> Result:
    host, _, port = base.removeprefix("http://").partition(":")
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + duration

    async def worker(n: int) -> None:
        nonlocal errors, sent
        conn = _Conn(host, int(port or 80))
        i = n
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1
            path = paths[i % len(paths)]
            i += concurrency
            t0 = time.perf_counter()
            try:
                if await conn.get(path, headers) != 200:
                    errors += 1
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                conn.close()
            latencies.append(time.perf_counter() - t0)
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    seconds = time.perf_counter() - started
    latencies.sort()
    return Result(
        path=paths[0],
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=statistics.median(latencies) * 1000 if latencies else 0.0,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0,
    )


def load(
    base: str,
    paths: list[str],
    *,
    headers: dict[str, str] | None = None,
    concurrency: int = 32,
    duration: float = 10.0,
    max_requests: int = 200_000,
) -> Result:
    """Hit `paths` (round robin) with `concurrency` connections for `duration` seconds."""
    return asyncio.run(_run(base, paths, headers or {}, concurrency, duration, max_requests))
