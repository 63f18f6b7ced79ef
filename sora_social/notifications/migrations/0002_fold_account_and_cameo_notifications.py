"""Fold the two old notification tables into the one system.

`accounts_notification` (invitee suspensions) and `cameos_notification`
(cast, requested, detected, verdicts) are copied into
`notifications_notification`, each row with a group of its own (old rows
are history: they are not regrouped, so no copied row can collide with the
one open group per key), and every member's stored unread counter is set
from the copied groups. The old tables are dropped by the accounts and
cameos migrations that depend on this one. Set-based statements: the old
tables hold one row per event, few per member.
"""

from django.db import migrations

ACCOUNTS_GROUPS = """
INSERT INTO notifications_group
    (id, user_id, kind, key, target_type, target_id, count, actor_ids, payload, latest_id, latest_at, read_at)
SELECT n.id, n.user_id, n.kind, n.kind || ':' || n.id, '', NULL, 1, '{}', n.payload, n.id, n.created_at, n.read_at
FROM accounts_notification n
"""
ACCOUNTS_EVENTS = """
INSERT INTO notifications_notification (id, user_id, kind, actor_id, target_type, target_id, payload, group_id, created_at)
SELECT n.id, n.user_id, n.kind, NULL, '', NULL, n.payload, n.id, n.created_at
FROM accounts_notification n
"""
# The cameo payload gains what the live event always carried: the cameo and its state.
CAMEO_PAYLOAD = (
    "jsonb_build_object('cameo_id', n.cameo_id::text, 'state', c.state) || COALESCE(n.data, '{}'::jsonb)"
)
CAMEO_GROUPS = f"""
INSERT INTO notifications_group
    (id, user_id, kind, key, target_type, target_id, count, actor_ids, payload, latest_id, latest_at, read_at)
SELECT n.id, n.recipient_id, 'cameo.' || n.kind, 'cameo.' || n.kind || ':' || n.id, 'cameo', n.cameo_id, 1,
       CASE WHEN a.id IS NULL THEN '{{}}'::bigint[] ELSE ARRAY[a.id] END,
       {CAMEO_PAYLOAD}, n.id, n.created_at, n.read_at
FROM cameos_notification n
JOIN cameos_cameo c ON c.id = n.cameo_id
LEFT JOIN accounts_user a ON a.id = n.actor_id
"""  # noqa: S608 - built from constants only
CAMEO_EVENTS = f"""
INSERT INTO notifications_notification (id, user_id, kind, actor_id, target_type, target_id, payload, group_id, created_at)
SELECT n.id, n.recipient_id, 'cameo.' || n.kind, a.id, 'cameo', n.cameo_id, {CAMEO_PAYLOAD}, n.id, n.created_at
FROM cameos_notification n
JOIN cameos_cameo c ON c.id = n.cameo_id
LEFT JOIN accounts_user a ON a.id = n.actor_id
"""  # noqa: S608 - built from constants only
COUNTERS = """
INSERT INTO notifications_inbox (user_id, unread, muted)
SELECT user_id, count(*) FILTER (WHERE read_at IS NULL), '{}'
FROM notifications_group GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET unread = EXCLUDED.unread
"""
UNDO = """
DELETE FROM notifications_notification;
DELETE FROM notifications_group;
DELETE FROM notifications_inbox;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0006_account_deletion"),
        ("cameos", "0004_merge_release_branches"),
    ]

    operations = [
        migrations.RunSQL(
            ";\n".join([ACCOUNTS_GROUPS, ACCOUNTS_EVENTS, CAMEO_GROUPS, CAMEO_EVENTS, COUNTERS]),
            reverse_sql=UNDO,
        )
    ]
