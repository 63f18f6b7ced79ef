"""The owner's cameo notifications, read from the one notification table (the deprecated list)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from sora_social.notifications.selectors import cameo_notifications_qs

if TYPE_CHECKING:
    from sora_social.notifications.models import Notification


def notifications_for(*, user_id: int) -> QuerySet[Notification]:
    return cameo_notifications_qs(user_id=user_id)
