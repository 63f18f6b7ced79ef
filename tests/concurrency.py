"""Running one piece of test code from many threads at once, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(target: Callable[[int], object], n: int) -> None:
    """Call `target(i)` for each i in range(n), each in its own thread, all released together
    by a barrier; each thread closes its own database connection when done. Returns once all
    threads have finished; `target` records its own outcome (an escaping exception is not raised here)."""
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
