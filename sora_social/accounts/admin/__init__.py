"""The moderators' admin for members, codes, the tree, the waitlist and the audit trail.

A member's page shows the inviter chain, subtree size, risk score with its
signals, and the first invitees. Every action on accounts asks for a reason
and runs as a dry run first (showing how many accounts it would touch);
only then can it be applied. Each run, dry or not, is an `AccountAction`.

- `actions`: the reason form and the dry-run-then-apply account action builder.
- `members`: the member admin (`UserAdmin`) and its subtree filter.
- `invites`: invite codes (root codes), the waitlist (admit a wave), redemption attempts.
- `records`: the audit trail, parental links, teen settings, follows, blocks.

Importing this package registers every model admin.
"""

from sora_social.accounts.admin import invites, members, records

__all__ = ["invites", "members", "records"]
