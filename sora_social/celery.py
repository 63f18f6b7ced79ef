"""The Celery app: named queues, late acks, JSON, enqueue-on-commit habits.

Queues: `default` (small platform work), `feed` (fan-out, ranking refresh),
`moderation` (classifiers on CPU, rescans), `media` (decode, encode, sign,
store), `gpu` (generation backends and batched models; run those workers with
`--prefetch-multiplier 1`). Postgres holds the truth about every job; a task
message is only a nudge, and the beat reconcilers re-send lost nudges.
"""

from __future__ import annotations

import os

from celery import Celery, signals
from kombu import Queue

from sora_social.common.checks import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings.base")

app = Celery("sora_social")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_queues=[Queue(name) for name in ("default", "feed", "moderation", "media", "gpu")],
    task_default_queue="default",
    # Queues follow task names, so a task's module decides nothing by itself:
    # name GPU tasks `generation.gpu.<x>`, and everything else `<app>.<x>`.
    task_routes={
        "generation.gpu.*": {"queue": "gpu"},
        "generation.*": {"queue": "media"},
        "cameos.*": {"queue": "media"},
        "moderation.*": {"queue": "moderation"},
        "feed.*": {"queue": "feed"},
    },
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_backend=None,
    # A task is acknowledged after it ran, so a worker that dies mid-task
    # gives it back to the queue; every task is idempotent per (row, state).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 3600},
    worker_hijack_root_logger=False,
    beat_schedule={},
    timezone="UTC",
)
app.autodiscover_tasks()


@signals.worker_init.connect
def _refuse_unsafe_worker(**kwargs: object) -> None:
    refuse_unsafe_start("worker")


@signals.beat_init.connect
def _refuse_unsafe_beat(**kwargs: object) -> None:
    refuse_unsafe_start("beat")
