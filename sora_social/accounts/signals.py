"""Domain signals of the accounts app, for apps to its right.

Both are sent inside the transaction that made the change, after the rows are
written: a receiver's own writes commit or roll back with it, and a receiver
with outside effects (queues, sockets) should defer them with
`transaction.on_commit`.

- `user_blocked(sender, blocker_id: int, blocked_id: int)`: `blocker_id` now
  blocks `blocked_id` (follows both ways are already gone). Higher apps hide
  each from the other and withdraw what depended on the relationship
  (e.g. cameo grants).
- `account_suspended(sender, user_ids: list[int])`: these members were
  suspended or banned (is_active is now false). Higher apps stop their work
  (queued generations, feed entries).
"""

from __future__ import annotations

from django.dispatch import Signal

user_blocked = Signal()
account_suspended = Signal()
