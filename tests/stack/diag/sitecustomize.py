"""Loaded by the stack's web processes only (`PYTHONPATH`, see `Stack`): on SIGUSR2 a server
process prints every asyncio task's stack and every thread's to its log, and goes on serving.

`Stack.web_diagnosis` sends it when /readyz stops answering: a request parked in a coroutine
shows here and nowhere else (faulthandler's SIGABRT dump shows threads only).
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import sys
from typing import Any, TextIO


def _print_awaits(coro: Any, out: TextIO) -> None:
    """The coroutine and everything it awaits, innermost last (a task's own stack shows one frame)."""
    for _ in range(60):
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            return
        print(f"    {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}", file=out)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        if coro is None:
            return


def _dump(signum: int, frame: object) -> None:
    out = sys.stderr
    print(f"=== SIGUSR2 dump of pid {os.getpid()}: asyncio tasks", file=out)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        for task in asyncio.all_tasks(loop):
            print(f"--- {task!r}"[:600], file=out)
            _print_awaits(task.get_coro(), out)
    print(f"=== SIGUSR2 dump of pid {os.getpid()}: threads", file=out)
    out.flush()
    faulthandler.dump_traceback(file=out, all_threads=True)
    out.flush()


signal.signal(signal.SIGUSR2, _dump)
