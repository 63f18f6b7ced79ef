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
- `account_deleted(sender, user_id: int)`: this member deleted their account
  (or staff deleted it). The member row stays as a scrubbed tombstone; every
  token is already refused. Each higher app removes what the member had there
  through its own services: posts, likes and comments (feed), generations,
  outputs and uploads with their files and embeddings (generation), cameos with
  their face data, recordings and appearances, and grants and requests
  (cameos). Files a member could reach by a URL are deleted before the
  transaction commits, so no URL minted before works once anyone can see the
  deletion; biometric files (never served) go on commit, with their rows.
"""

from __future__ import annotations

from django.dispatch import Signal

user_blocked = Signal()
account_suspended = Signal()
account_deleted = Signal()
