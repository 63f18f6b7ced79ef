"""Every body the notifications app sends: list items, the live event, push payloads, preferences, devices.

No queries here: selectors hand in the rows and the actors they need.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sora_social.notifications import kinds
from sora_social.notifications.models import Notification, NotificationGroup, PushDevice


def actor_out(user: Any) -> dict[str, Any]:
    return {"id": str(user.pk), "username": user.username, "display_name": user.display_name}


def _target(target_type: str, target_id: int | None) -> dict[str, Any] | None:
    if not target_type:
        return None
    return {"type": target_type, "id": str(target_id) if target_id is not None else None}


def group_out(group: NotificationGroup, actors: dict[int, Any]) -> dict[str, Any]:
    """One item of `GET /me/notifications`: a group of events of one kind about one target."""
    sample = [actors[i] for i in group.actor_ids if i in actors]
    return {
        "id": str(group.id),
        "kind": group.kind,
        "text": kinds.sentence(group.kind, [a.display_name or a.username for a in sample], group.count),
        "count": group.count,
        "actors": [actor_out(a) for a in sample],
        "target": _target(group.target_type, group.target_id),
        "payload": group.payload,
        "notification_id": str(group.latest_id),
        "latest_at": group.latest_at,
        "read": group.read_at is not None,
    }


def notification_event(note: Notification, *, group_id: int, count: int, unread: int) -> dict[str, Any]:
    """The live WebSocket event: `type` is the kind (`like`, `cameo.cast`, …), with the payload's fields.

    The payload goes first so that the envelope's fields always win.
    """
    return {
        **note.payload,
        "type": note.kind,
        "id": str(note.id),
        "group_id": str(group_id),
        "count": count,
        "unread": unread,
        "actor_id": str(note.actor_id) if note.actor_id else None,
        "target": _target(note.target_type, note.target_id),
        "created_at": _iso(note.created_at),
    }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def unread_out(unread: int) -> dict[str, Any]:
    return {"unread": unread}


def marked_out(marked: int, unread: int) -> dict[str, Any]:
    return {"marked": marked, "unread": unread}


def preferences_out(muted: list[str]) -> dict[str, Any]:
    return {"muted": sorted(muted), "kinds": list(kinds.MUTABLE)}


def device_out(device: PushDevice) -> dict[str, Any]:
    return {"id": str(device.id), "platform": device.platform, "created_at": device.created_at}


def push_message(note: Notification, actor_name: str | None) -> dict[str, Any]:
    """What a push says (title, body, data); the same for APNs and FCM, each provider wraps it.

    Only the sentence and ids: a lock screen is not private, so no comment
    text, no reasons, no names beyond the actor's.
    """
    return {
        "title": "Sora",
        "body": kinds.sentence(note.kind, [actor_name] if actor_name else [], 1),
        "data": {
            "kind": note.kind,
            "notification_id": str(note.id),
            "group_id": str(note.group_id),
            "target_type": note.target_type,
            "target_id": str(note.target_id) if note.target_id is not None else "",
        },
    }
