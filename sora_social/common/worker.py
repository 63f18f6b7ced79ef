"""The in-process Celery worker (and beat) of the embedded default.

With no `REDIS_URL`, the broker is kombu's in-memory transport and this
worker runs in threads of the web process: the request returns first and the
work happens after, exactly as with a separate worker, just without one to
run. The tests start the same worker. Production runs `celery worker`
processes instead and never calls this.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Celery
from celery.beat import EmbeddedService
from celery.worker import WorkController

from sora_social.celery import app as celery_app

logger = logging.getLogger(__name__)

QUEUES = ("default", "feed", "moderation", "media", "gpu")

_lock = threading.Lock()
_running: InProcessWorker | None = None


class _Controller(WorkController):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.consumer_ready = threading.Event()
        super().__init__(*args, **kwargs)

    def on_consumer_ready(self, consumer: Any) -> None:
        self.consumer_ready.set()


class InProcessWorker:
    def __init__(self, app: Celery, *, concurrency: int = 2, beat: bool = True) -> None:
        self.app = app
        self.controller = _Controller(
            app=app,
            hostname=f"inprocess-{threading.get_native_id()}@localhost",
            pool="threads",
            concurrency=concurrency,
            queues=list(QUEUES),
            loglevel="WARNING",
            logfile=None,
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            ready_callback=None,
        )
        self.thread = threading.Thread(target=self.controller.start, name="celery-inprocess", daemon=True)
        # celery's threaded beat service (the stubs type it as "thread or process", neither with start/stop).
        self.beat: Any = EmbeddedService(app, thread=True) if beat else None

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        if not self.controller.consumer_ready.wait(timeout):
            raise RuntimeError("the in-process Celery worker did not start")
        if self.beat is not None:
            self.beat.start()

    def stop(self) -> None:
        if self.beat is not None:
            self.beat.stop()
        self.controller.stop(in_sighandler=False, exitcode=0)
        self.thread.join(10)

    def alive(self) -> bool:
        return self.thread.is_alive()


def start_inprocess_worker(*, concurrency: int = 2, beat: bool = True) -> InProcessWorker:
    """Start the process's one in-process worker (idempotent)."""
    global _running
    with _lock:
        if _running is None or not _running.alive():
            worker = InProcessWorker(celery_app, concurrency=concurrency, beat=beat)
            worker.start()
            _running = worker
            logger.info("in-process Celery worker started (%d threads)", concurrency)
        return _running


def stop_inprocess_worker() -> None:
    global _running
    with _lock:
        if _running is not None:
            _running.stop()
            _running = None


def inprocess_worker_alive() -> bool:
    return _running is not None and _running.alive()
