"""Creating a notification and marking them read; the stored unread counter follows both.

`notification_create` is the one way in, called by every app (accounts
re-exports it as `sora_social.accounts.services.notification_create`). In one
transaction it honours the member's muted kinds, folds the event into its
open group (one `INSERT … ON CONFLICT` on the partial unique key, so two
concurrent likes of one post make one group with a count of two), stores the
event and moves the counter by one only when a group was opened. The
WebSocket event and the push task go out on commit.

Lock order, everywhere: the group row(s), then the inbox row. Marking read
updates only groups still unread, so concurrent markers never count a group
twice, and the counter always equals the member's unread groups.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from sora_social.common.events import send_user_event_on_commit
from sora_social.common.ids import new_id
from sora_social.common.tasks import enqueue_on_commit
from sora_social.notifications import kinds
from sora_social.notifications.models import Notification, PushDevice
from sora_social.notifications.presenters import notification_event

_MUTED_SQL = "SELECT %s = ANY(muted) FROM notifications_inbox WHERE user_id = %s"

_GROUP_SQL = """
INSERT INTO notifications_group AS g
    (id, user_id, kind, key, target_type, target_id, count, actor_ids, payload, latest_id, latest_at, read_at)
VALUES (%(id)s, %(user)s, %(kind)s, %(key)s, %(ttype)s, %(tid)s, 1,
        CASE WHEN %(actor)s::bigint IS NULL THEN '{}'::bigint[] ELSE ARRAY[%(actor)s::bigint] END,
        %(payload)s, %(note)s, %(now)s, NULL)
ON CONFLICT (user_id, key) WHERE read_at IS NULL DO UPDATE SET
    count = g.count + CASE WHEN %(actor)s::bigint IS NOT NULL AND %(actor)s::bigint = ANY(g.actor_ids)
                      THEN 0 ELSE 1 END,
    actor_ids = CASE WHEN %(actor)s::bigint IS NULL THEN g.actor_ids
                ELSE (ARRAY[%(actor)s::bigint] || array_remove(g.actor_ids, %(actor)s::bigint))[1:3] END,
    payload = EXCLUDED.payload,
    latest_id = EXCLUDED.latest_id,
    latest_at = EXCLUDED.latest_at
RETURNING g.id, g.count, (g.xmax = 0) AS opened
"""

_COUNTER_SQL = """
INSERT INTO notifications_inbox AS i (user_id, unread, muted) VALUES (%s, %s, '{}')
ON CONFLICT (user_id) DO UPDATE SET unread = i.unread + EXCLUDED.unread
RETURNING i.unread
"""


def _group_key(kind: str, target_type: str, target_id: int | None, note_id: int) -> str:
    if kind in kinds.GROUPED:
        return f"{kind}:{target_type}:{target_id or ''}"
    return f"{kind}:{note_id}"


@transaction.atomic
def notification_create(
    *,
    user_id: int,
    kind: str,
    payload: dict[str, Any],
    actor_id: int | None = None,
    target_type: str = "",
    target_id: int | None = None,
) -> Notification | None:
    """Store a notification, fold it into its group, and send it live and to push once committed.

    None when the member muted `kind`: a muted kind is neither stored nor pushed.
    Nobody is notified of their own doing (`actor_id == user_id`).
    """
    if actor_id is not None and actor_id == user_id:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_MUTED_SQL, [kind, user_id])
        row = cursor.fetchone()
        if row is not None and row[0]:
            return None
        note_id, now = new_id(), timezone.now()
        params: dict[str, Any] = {
            "id": new_id(),
            "user": user_id,
            "kind": kind,
            "key": _group_key(kind, target_type, target_id, note_id)[:160],
            "ttype": target_type,
            "tid": target_id,
            "actor": actor_id,
            "payload": Jsonb(payload),
            "note": note_id,
            "now": now,
        }
        cursor.execute(_GROUP_SQL, params)
        group_id, count, opened = cursor.fetchone()
        cursor.execute(_COUNTER_SQL, [user_id, 1 if opened else 0])
        (unread,) = cursor.fetchone()
    note = Notification.objects.create(
        id=note_id,
        user_id=user_id,
        kind=kind,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        payload=payload,
        group_id=group_id,
    )
    send_user_event_on_commit(
        user_id, notification_event(note, group_id=group_id, count=count, unread=unread)
    )
    if PushDevice.objects.filter(user_id=user_id).exists():
        enqueue_on_commit("notifications.push", notification_id=note_id)
    return note


_MARK_SQL = """
WITH marked AS (
    UPDATE notifications_group SET read_at = %(now)s
    WHERE user_id = %(user)s AND read_at IS NULL AND (%(upto)s::bigint IS NULL OR latest_id <= %(upto)s::bigint)
      AND (%(prefix)s::text IS NULL OR kind LIKE %(prefix)s::text || '%%')
    RETURNING 1
)
UPDATE notifications_inbox SET unread = GREATEST(unread - (SELECT count(*) FROM marked), 0)
WHERE user_id = %(user)s
RETURNING (SELECT count(*) FROM marked), unread
"""


@transaction.atomic
def notifications_mark_read(
    *, user_id: int, up_to_id: int | None = None, kind_prefix: str | None = None
) -> int:
    """Mark my unread groups read: all, or those whose newest event is at or before `up_to_id`.

    Returns how many groups were marked. `kind_prefix` narrows to a family of
    kinds (the deprecated cameo list marks only `cameo.` kinds).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SQL, {"now": timezone.now(), "user": user_id, "upto": up_to_id, "prefix": kind_prefix}
        )
        row = cursor.fetchone()
    marked = int(row[0]) if row else 0
    if marked:
        send_user_event_on_commit(user_id, {"type": "notifications.read", "unread": int(row[1])})
    return marked
