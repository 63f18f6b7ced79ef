"""Reading notifications: my grouped list (two queries a page), my unread count, my muted kinds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sora_social.accounts.models import User
from sora_social.common.pagination import decode_int_cursor, encode_cursor
from sora_social.notifications import kinds
from sora_social.notifications.models import Inbox, Notification, NotificationGroup

SCOPE = "notifications"


@dataclass(frozen=True)
class GroupPage:
    groups: list[NotificationGroup]
    actors: dict[int, Any]
    next: str | None


def notification_groups_page(*, user_id: int, cursor: str | None, limit: int) -> GroupPage:
    """My groups, newest event first: one query for the groups, one for every actor in their samples.

    Ordered by each group's newest event; a group that gains an event while
    a client pages moves to the top (it shows again on the next refresh).
    """
    before = decode_int_cursor(cursor, scope=SCOPE)
    qs = NotificationGroup.objects.filter(user_id=user_id)
    if before is not None:
        qs = qs.filter(latest_id__lt=before)
    rows = list(qs.order_by("-latest_id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    wanted = {actor for group in rows for actor in group.actor_ids}
    actors: dict[int, Any] = {}
    if wanted:
        actors = {
            u.pk: u
            for u in User.objects.filter(pk__in=wanted, is_active=True).only("id", "username", "display_name")
        }
    nxt = encode_cursor(rows[-1].latest_id, scope=SCOPE) if more else None
    return GroupPage(groups=rows, actors=actors, next=nxt)


def unread_count(*, user_id: int) -> int:
    """The stored counter of my unread groups (0 before my first notification)."""
    value = Inbox.objects.filter(user_id=user_id).values_list("unread", flat=True).first()
    return int(value or 0)


def muted_kinds(*, user_id: int) -> list[str]:
    value = Inbox.objects.filter(user_id=user_id).values_list("muted", flat=True).first()
    return list(value or [])


def cameo_notifications_qs(*, user_id: int) -> QuerySet[Notification]:
    """My cameo notifications one by one (the deprecated list), with each one's group for its read state."""
    return (
        Notification.objects.filter(user_id=user_id, kind__startswith=kinds.CAMEO_PREFIX)
        .select_related("group")
        .only("id", "kind", "actor_id", "target_id", "payload", "created_at", "group__read_at")
    )


def notifications_of_kind(*, user_id: int, kind: str, target_id: int | None = None) -> QuerySet[Notification]:
    """My notifications of one kind (about one target), for rate rules in other apps."""
    qs = Notification.objects.filter(user_id=user_id, kind=kind)
    return qs.filter(target_id=target_id) if target_id is not None else qs
