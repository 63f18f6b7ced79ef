"""Push devices: register a token, remove one, prune those the provider says are dead."""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.utils import timezone

from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import new_id, parse_id
from sora_social.notifications.models import PushDevice

# APNs device tokens are 32 bytes in hex today (Apple says they may grow);
# FCM registration tokens are URL-safe text, around 150-200 characters.
_TOKEN_SHAPES = {
    PushDevice.Platform.IOS: re.compile(r"[0-9a-fA-F]{64,200}"),
    PushDevice.Platform.ANDROID: re.compile(r"[A-Za-z0-9_:\-.]{32,512}"),
}

# One statement, so two registrations of one token at once leave one row.
_REGISTER_SQL = """
INSERT INTO notifications_device (id, user_id, platform, token, created_at) VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (platform, token) DO UPDATE SET user_id = EXCLUDED.user_id
RETURNING id, created_at
"""

_CAP_SQL = """
DELETE FROM notifications_device WHERE user_id = %s AND id NOT IN (
    SELECT id FROM notifications_device WHERE user_id = %s ORDER BY id DESC LIMIT %s
)
"""
MAX_DEVICES = 20


@transaction.atomic
def device_register(*, user_id: int, platform: str, token: str) -> PushDevice:
    """Register (or claim) a device token: a token names one install, so it moves to its last registrant."""
    shape = _TOKEN_SHAPES.get(platform)  # type: ignore[call-overload]
    if shape is None:
        raise ValidationFailed(details={"platform": ["One of ios, android."]})
    if not shape.fullmatch(token):
        raise ValidationFailed(
            "This is not a device token of that platform.",
            code="invalid_device_token",
            details={"token": ["Not a device token of this platform."]},
        )
    token = token.lower() if platform == PushDevice.Platform.IOS else token
    with connection.cursor() as cursor:
        cursor.execute(_REGISTER_SQL, [new_id(), user_id, platform, token, timezone.now()])
        pk, created_at = cursor.fetchone()
        # A member has at most MAX_DEVICES: the oldest registrations (long-gone phones) make room.
        cursor.execute(_CAP_SQL, [user_id, user_id, MAX_DEVICES])
    return PushDevice(id=pk, user_id=user_id, platform=platform, token=token, created_at=created_at)


@transaction.atomic
def device_remove(*, user_id: int, device_id: object) -> None:
    """Remove one of my devices; someone else's (or no such) device is 404."""
    pk = parse_id(device_id)
    deleted, _ = PushDevice.objects.filter(pk=pk, user_id=user_id).delete() if pk else (0, {})
    if not deleted:
        raise NotFound("No such device.")


@transaction.atomic
def devices_prune(*, device_ids: list[int]) -> int:
    """Delete devices whose tokens the provider called dead; how many."""
    if not device_ids:
        return 0
    deleted, _ = PushDevice.objects.filter(pk__in=device_ids).delete()
    return deleted
