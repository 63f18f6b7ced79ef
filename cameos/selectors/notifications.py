"""The owner's cameo notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from cameos.models import CameoNotification


def notifications_for(*, user_id: int) -> QuerySet[CameoNotification]:
    return CameoNotification.objects.filter(recipient_id=user_id)
