"""Enqueueing helpers and the platform's own tasks.

Work is enqueued only in `transaction.on_commit`: a task must never run
against rows its caller later rolled back, nor miss rows not yet committed.
"""

from __future__ import annotations

import socket
from typing import Any

from celery import shared_task
from django.db import transaction

from sora_social.celery import app
from sora_social.common.events import send_user_event


def enqueue_on_commit(task: str, /, *, countdown: float | None = None, **kwargs: Any) -> None:
    """Send the task registered as `task` (e.g. `"feed.fanout_post"`) once the transaction commits.

    Services enqueue by name, so they never import a tasks module and tasks
    can import services at module level without a cycle. Arguments are
    keyword-only JSON values (ids, not rows); `countdown` delays delivery (seconds). `tests/test_architecture.py`
    checks that every name enqueued anywhere is a registered task.
    """
    if not isinstance(task, str):
        raise TypeError("enqueue_on_commit takes a registered task name, not a task object")
    transaction.on_commit(lambda: app.send_task(task, kwargs=kwargs, countdown=countdown))


@shared_task(name="common.echo_to_user", ignore_result=True)
def echo_to_user(user_id: int, echo_id: str, message: str) -> None:
    """Round trip check: the worker sends the message back over the user's WebSocket."""
    send_user_event(
        user_id,
        {"type": "diagnostics.echo", "id": echo_id, "message": message, "worker": socket.gethostname()},
    )
