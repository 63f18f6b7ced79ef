"""Notification tasks: push one notification to its member's devices."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from sora_social.notifications.services import notification_push

# Provider errors and rate limits: back off 10 s, 20 s, 40 s, ... up to 10 minutes.
MAX_RETRIES = 6


@shared_task(name="notifications.push", bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def push(self: Any, notification_id: int, device_ids: list[int] | None = None) -> None:
    """Push to every device (or to those a provider asked to retry); only those are retried."""
    again = notification_push(notification_id=notification_id, device_ids=device_ids)
    if again and self.request.retries < MAX_RETRIES:
        raise self.retry(
            kwargs={"notification_id": notification_id, "device_ids": again},
            countdown=min(600, 10 * 2**self.request.retries),
        )
