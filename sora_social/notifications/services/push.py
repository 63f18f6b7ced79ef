"""Sending one notification to its member's devices (the worker's side of `notifications.push`).

Each device gets at most one try per run; dead tokens are pruned in the same
run; devices whose provider asked for a retry are handed back so the task
retries only those (a retry never pushes twice to a device that got it).
"""

from __future__ import annotations

import logging

from django.utils import timezone

from sora_social.notifications.models import Notification, PushDevice
from sora_social.notifications.presenters import push_message
from sora_social.notifications.push import Outcome, provider_for
from sora_social.notifications.services.devices import devices_prune

logger = logging.getLogger(__name__)


def notification_push(*, notification_id: int, device_ids: list[int] | None = None) -> list[int]:
    """Push a stored notification to the member's devices (or to `device_ids` of them).

    Returns the ids of devices to try again. A notification deleted since
    (account deleted) pushes nothing.
    """
    note = Notification.objects.select_related("actor").filter(pk=notification_id).first()
    if note is None:
        return []
    devices = PushDevice.objects.filter(user_id=note.user_id)
    if device_ids is not None:
        devices = devices.filter(pk__in=device_ids)
    actor = note.actor.display_name or note.actor.username if note.actor else None
    message = push_message(note, actor)
    dead: list[int] = []
    again: list[int] = []
    sent: list[int] = []
    for device in devices:
        provider = provider_for(device.platform)
        if provider is None:
            continue
        result = provider.send(device.token, message)
        if result.outcome is Outcome.SENT:
            sent.append(device.pk)
        elif result.outcome is Outcome.DEAD:
            dead.append(device.pk)
        elif result.outcome is Outcome.RETRY:
            again.append(device.pk)
        else:
            logger.warning(
                "push to %s device %s refused: %s %s",
                device.platform,
                device.pk,
                result.status,
                result.reason,
            )
    devices_prune(device_ids=dead)
    if sent:
        PushDevice.objects.filter(pk__in=sent).update(last_sent_at=timezone.now())
    return again
