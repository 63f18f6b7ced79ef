"""Reading push devices."""

from __future__ import annotations

from django.db.models import QuerySet

from sora_social.notifications.models import PushDevice


def devices_of(*, user_id: int) -> QuerySet[PushDevice]:
    return PushDevice.objects.filter(user_id=user_id)
