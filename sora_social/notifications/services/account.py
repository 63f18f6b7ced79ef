"""Accounts and notifications: a deleted account leaves nothing here; a block erases what each caused the other."""

from __future__ import annotations

from django.db import connection, transaction

from sora_social.notifications.models import Inbox, Notification, NotificationGroup, PushDevice


@transaction.atomic
def notifications_forget(*, user_id: int) -> None:
    """Delete every notification to the member, their groups, inbox and push devices."""
    Notification.objects.filter(user_id=user_id).delete()
    NotificationGroup.objects.filter(user_id=user_id).delete()
    Inbox.objects.filter(user_id=user_id).delete()
    PushDevice.objects.filter(user_id=user_id).delete()


_FORGET_EVENTS_SQL = """
WITH gone AS (
    DELETE FROM notifications_notification WHERE user_id = %(me)s AND actor_id = %(them)s RETURNING group_id
)
UPDATE notifications_group g
SET actor_ids = array_remove(g.actor_ids, %(them)s::bigint), count = GREATEST(g.count - 1, 0)
WHERE g.id IN (SELECT DISTINCT group_id FROM gone)
RETURNING g.id
"""

_EMPTY_GROUPS_SQL = """
WITH emptied AS (
    DELETE FROM notifications_group g
    WHERE g.id = ANY(%(ids)s) AND NOT EXISTS (SELECT 1 FROM notifications_notification n WHERE n.group_id = g.id)
    RETURNING g.read_at
)
UPDATE notifications_inbox SET unread = GREATEST(unread - (SELECT count(*) FROM emptied WHERE read_at IS NULL), 0)
WHERE user_id = %(me)s
"""


@transaction.atomic
def notifications_between_forget(*, a_id: int, b_id: int) -> None:
    """A block: each member's notifications caused by the other go, from the events, the groups'
    samples and counts; a group left empty goes, and the unread counter follows."""
    with connection.cursor() as cursor:
        for me, them in ((a_id, b_id), (b_id, a_id)):
            cursor.execute(_FORGET_EVENTS_SQL, {"me": me, "them": them})
            touched = [row[0] for row in cursor.fetchall()]
            if touched:
                cursor.execute(_EMPTY_GROUPS_SQL, {"ids": touched, "me": me})
