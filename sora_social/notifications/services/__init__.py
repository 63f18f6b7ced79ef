"""Writes about notifications. Import them from this package. Modules:

- `notify`: `notification_create` (the one way in, for every app), `notifications_mark_read`.
- `preferences`: `notification_preferences_set` (muted kinds).
- `devices`: `device_register`, `device_remove`, `devices_prune`.
- `push`: `notification_push` (the worker: one notification to the member's devices).
- `account`: `notifications_forget` (account deletion), `notifications_between_forget` (a block).
"""

from sora_social.notifications.services.account import notifications_between_forget, notifications_forget
from sora_social.notifications.services.devices import device_register, device_remove, devices_prune
from sora_social.notifications.services.notify import notification_create, notifications_mark_read
from sora_social.notifications.services.preferences import notification_preferences_set
from sora_social.notifications.services.push import notification_push

__all__ = [
    "device_register",
    "device_remove",
    "devices_prune",
    "notification_create",
    "notification_preferences_set",
    "notification_push",
    "notifications_between_forget",
    "notifications_forget",
    "notifications_mark_read",
]
