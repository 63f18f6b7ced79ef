"""Notifications: one system for every kind, grouped, counted, delivered live and by push.

The lowest layer but `common`: every app calls it (accounts re-exports
`notification_create` as `sora_social.accounts.services.notification_create`);
it imports no app but the auth model. See docs/NOTIFICATIONS.md.

Module map:
- `models/`: `Notification` (each event), `NotificationGroup` (what the list shows, one open
  group per kind and target), `Inbox` (stored unread counter, muted kinds), `PushDevice`.
- `kinds.py`: every kind, which group, which can be muted, the sentence each reads as.
- `services/`: `notify` (notification_create, notifications_mark_read), `preferences`,
  `devices` (register, remove, prune), `push` (the worker's send), `account` (deletion).
- `selectors/`: `feed` (the grouped page, unread count, muted kinds, the cameo alias), `devices`.
- `presenters.py`: list items, the live event, the push message, preferences, devices.
- `push/`: the provider interface (`base`), `apns` (HTTP/2, ES256 provider token), `fcm` (HTTP v1,
  service-account OAuth2); `provider_for(platform)` builds them from settings.
- `api/`: `me/notifications` (+ `/unread`, `/read`), `me/notification-preferences`, `me/devices`.
- `tasks.py`: `notifications.push`; `admin.py`; `apps.py`.
"""
