"""Reads about notifications. Import them from this package. Modules:

- `feed`: `notification_groups_page` (my grouped list), `unread_count` (the stored counter),
  `muted_kinds`, `cameo_notifications_qs` (the deprecated cameo list), `notifications_of_kind`.
- `devices`: `devices_of`.
"""

from sora_social.notifications.selectors.devices import devices_of
from sora_social.notifications.selectors.feed import (
    GroupPage,
    cameo_notifications_qs,
    muted_kinds,
    notification_groups_page,
    notifications_of_kind,
    unread_count,
)

__all__ = [
    "GroupPage",
    "cameo_notifications_qs",
    "devices_of",
    "muted_kinds",
    "notification_groups_page",
    "notifications_of_kind",
    "unread_count",
]
