"""Notification tables: events, their groups, each member's inbox, push devices."""

from sora_social.notifications.models.devices import PushDevice
from sora_social.notifications.models.notification import Inbox, Notification, NotificationGroup

__all__ = ["Inbox", "Notification", "NotificationGroup", "PushDevice"]
