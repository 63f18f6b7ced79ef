"""What a deleted account leaves behind here: nothing (its notifications, groups, inbox and devices go)."""

from __future__ import annotations

from django.db import transaction

from sora_social.notifications.models import Inbox, Notification, NotificationGroup, PushDevice


@transaction.atomic
def notifications_forget(*, user_id: int) -> None:
    """Delete every notification to the member, their groups, inbox and push devices."""
    Notification.objects.filter(user_id=user_id).delete()
    NotificationGroup.objects.filter(user_id=user_id).delete()
    Inbox.objects.filter(user_id=user_id).delete()
    PushDevice.objects.filter(user_id=user_id).delete()
