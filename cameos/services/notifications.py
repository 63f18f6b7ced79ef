"""The owner's cameo notifications: stored, pushed over the WebSocket, marked read."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cameos.models import Cameo, CameoNotification
from cameos.presenters import notification_event
from sora_social.common.events import send_user_event_on_commit


def notify_owner(
    cameo: Cameo, kind: str, *, actor_id: int | None = None, data: dict[str, Any] | None = None
) -> CameoNotification:
    """Store a notification for the owner and push it over the WebSocket after commit."""
    note = CameoNotification.objects.create(
        recipient_id=cameo.owner_id, cameo=cameo, kind=kind, actor_id=actor_id, data=data or {}
    )
    send_user_event_on_commit(
        cameo.owner_id, notification_event(cameo, note, actor_id=actor_id, data=data or {})
    )
    return note


@transaction.atomic
def notifications_mark_read(*, user_id: int, up_to_id: int | None = None) -> int:
    qs = CameoNotification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    if up_to_id:
        qs = qs.filter(id__lte=up_to_id)
    return qs.update(read_at=timezone.now())
