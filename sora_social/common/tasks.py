"""Enqueueing helpers and the platform's own tasks.

Work is enqueued only in `transaction.on_commit`: a task must never run
against rows its caller later rolled back, nor miss rows not yet committed.
"""

from __future__ import annotations

import socket
from typing import Any

from celery import Task, shared_task
from django.db import transaction

from sora_social.common.events import send_user_event


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.delay(*args, **kwargs))


@shared_task(name="common.echo_to_user", ignore_result=True)
def echo_to_user(user_id: int, echo_id: str, message: str) -> None:
    """Round trip check: the worker sends the message back over the user's WebSocket."""
    send_user_event(
        user_id,
        {"type": "diagnostics.echo", "id": echo_id, "message": message, "worker": socket.gethostname()},
    )
