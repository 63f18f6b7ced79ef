"""Members' notification preferences: which kinds they mute (not stored, not pushed)."""

from __future__ import annotations

from django.db import connection, transaction

from sora_social.common.errors import ValidationFailed
from sora_social.notifications import kinds

_SET_SQL = """
INSERT INTO notifications_inbox AS i (user_id, unread, muted) VALUES (%s, 0, %s)
ON CONFLICT (user_id) DO UPDATE SET muted = EXCLUDED.muted
RETURNING i.muted
"""


@transaction.atomic
def notification_preferences_set(*, user_id: int, muted: list[str]) -> list[str]:
    """Replace the member's muted kinds; 400 naming any kind that is unknown or cannot be muted."""
    bad = sorted({k for k in muted if k not in kinds.MUTABLE})
    if bad:
        raise ValidationFailed(
            "These kinds cannot be muted.",
            code="invalid_notification_kind",
            details={"muted": [f"Not a kind that can be muted: {k}." for k in bad]},
        )
    with connection.cursor() as cursor:
        cursor.execute(_SET_SQL, [user_id, sorted(set(muted))])
        (stored,) = cursor.fetchone()
    return list(stored)
