"""Writes about members: every change to accounts state goes through a function here.

Import them from this package. Modules:

- `profile`: profile edits; `notification_create` (the notifications app's, re-exported: the entry point every app calls).
- `invites`: members' codes and root codes, the staff issuance caps.
- `signup`: `user_signup` (redeem a code: tree lock, code lock, insert, mark redeemed).
- `invite_attempts`: the record of each redemption attempt, the failed-attempt throttle, and
  `invite_link_open` (what an invite link's page shows).
- `waitlist`: joining the waitlist, admitting a wave.
- `tree`: tree locks and the stored subtree counters.
- `moderation`: staff account actions (suspend, ban, freeze or reparent a subtree, disable invites).
- `deletion`: account deletion.
- `graph`: follows and blocks (`follows_delete`: set-based, with the counters).
- `counters`: the stored follower, following and post counters (`follow_counts_adjust`,
  `user_post_counts_adjust`, which the feed app calls).
- `parental`: parental links and teen controls.
- `sessions`: sign-in, token refresh and revocation, password change, WebSocket tickets.
"""

from sora_social.accounts.services.counters import follow_counts_adjust, user_post_counts_adjust
from sora_social.accounts.services.deletion import account_delete, account_delete_own
from sora_social.accounts.services.graph import (
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    follows_delete,
)
from sora_social.accounts.services.invite_attempts import invite_link_open
from sora_social.accounts.services.invites import (
    invite_codes_disable,
    invite_codes_issue,
    invite_root_codes_create,
    normalize_code,
)
from sora_social.accounts.services.moderation import (
    invites_disable,
    subtree_freeze,
    subtree_reparent,
    subtree_suspend,
    user_ban,
    user_report_received,
    user_suspend,
    user_unsuspend,
)
from sora_social.accounts.services.parental import (
    parental_controls_update,
    parental_link_accept,
    parental_link_confirm,
    parental_link_end,
    parental_link_start,
    teens_age_out,
)
from sora_social.accounts.services.profile import (
    avatar_file_delete_on_commit,
    notification_create,
    user_update_profile,
)
from sora_social.accounts.services.sessions import (
    refresh_tokens_flush_expired,
    session_refresh,
    session_start,
    sessions_revoke,
    user_password_change,
    ws_ticket_issue,
    ws_ticket_redeem,
)
from sora_social.accounts.services.signup import SignupResult, user_signup
from sora_social.accounts.services.tree import invite_counters_rebuild, lock_trees
from sora_social.accounts.services.waitlist import waitlist_admit, waitlist_join

__all__ = [
    "SignupResult",
    "account_delete",
    "account_delete_own",
    "avatar_file_delete_on_commit",
    "block_create",
    "block_delete",
    "follow_counts_adjust",
    "follow_create",
    "follow_delete",
    "follows_delete",
    "invite_codes_disable",
    "invite_codes_issue",
    "invite_counters_rebuild",
    "invite_link_open",
    "invite_root_codes_create",
    "invites_disable",
    "lock_trees",
    "normalize_code",
    "notification_create",
    "parental_controls_update",
    "parental_link_accept",
    "parental_link_confirm",
    "parental_link_end",
    "parental_link_start",
    "refresh_tokens_flush_expired",
    "session_refresh",
    "session_start",
    "sessions_revoke",
    "subtree_freeze",
    "subtree_reparent",
    "subtree_suspend",
    "teens_age_out",
    "user_ban",
    "user_password_change",
    "user_post_counts_adjust",
    "user_report_received",
    "user_signup",
    "user_suspend",
    "user_unsuspend",
    "user_update_profile",
    "waitlist_admit",
    "waitlist_join",
    "ws_ticket_issue",
    "ws_ticket_redeem",
]
