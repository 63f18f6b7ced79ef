"""Profile edits and stored notifications."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sora_social.accounts.models import Notification, User
from sora_social.accounts.presenters import notification_event
from sora_social.common.events import send_user_event_on_commit


@transaction.atomic
def user_update_profile(*, user: User, display_name: str | None = None, bio: str | None = None) -> User:
    fields: list[str] = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if bio is not None:
        user.bio = bio.strip()
        fields.append("bio")
    if fields:
        user.save(update_fields=fields)
    return user


@transaction.atomic
def notification_create(*, user_id: int, kind: str, payload: dict[str, Any]) -> Notification:
    """Store a notification and push it over the member's WebSocket once committed."""
    note = Notification.objects.create(user_id=user_id, kind=kind, payload=payload)
    send_user_event_on_commit(user_id, notification_event(note))
    return note
