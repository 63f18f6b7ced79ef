"""A small closed-loop HTTP load generator (asyncio + httpx): N connections, bounded time and requests."""

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


async def _run(
    base: str, paths: list[str], headers: dict[str, str], concurrency: int, duration: float, max_requests: int
) -> Result:
    import httpx

    latencies: list[float] = []
    errors = 0
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + duration

        async def worker(n: int) -> None:
            nonlocal errors, sent
            i = n
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                path = paths[i % len(paths)]
                i += concurrency
                t0 = time.perf_counter()
                try:
                    res = await client.get(path)
                    if res.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t0)

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
