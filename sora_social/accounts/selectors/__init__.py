"""Reads about members, the invite tree, the social graph and teen controls.

Other apps read accounts through here, never through the models. The
expression builders (`follow_exists`, `mutual_follow_exists`, `block_exists`)
let another app fold a relationship check into its own query, so a consent or
visibility check stays one indexed query. Selectors only read.

Modules (import from this package):

- `members`: `user_get` and `user_get_by_username` (404 on unknown/inactive), `user_load` (the
  per-request load), `mentioned_users`, `sql_tables`
  (table names for raw SQL).
- `graph`: follows, mutuals and blocks, and their `Exists` builders.
- `teens`: the age rule (`age_on`, `user_is_teen`), `TeenControls` and
  parental links, and the contact rule (`uncontactable_ids`, `may_contact`).
- `tree`: the invite tree (`subtree_filter`, ancestors, descendants, codes, and
  `invite_code_preview`, what an invite link shows).
- `profiles`: profiles as a viewer sees them (`profile_get`), follower and following pages,
  member search (`users_search`).
- `risk`: resale and abuse signals (`invite_risk`, `invite_code_risk`).
"""

from sora_social.accounts.selectors.graph import (
    block_exists,
    blocked_either_way,
    blocked_user_ids,
    follow_exists,
    follower_ids,
    following_ids,
    follows,
    mutual_follow_exists,
    mutual_ids,
    users_are_mutuals,
)
from sora_social.accounts.selectors.members import (
    active_member_ids,
    active_user_ids,
    mentioned_users,
    sql_tables,
    user_get,
    user_get_by_username,
    user_load,
)
from sora_social.accounts.selectors.profiles import (
    SEARCH_MAX_RESULTS,
    MemberPage,
    Profile,
    followers_page,
    following_page,
    profile_get,
    users_search,
)
from sora_social.accounts.selectors.risk import InviteRisk, invite_code_risk, invite_risk, risk_score
from sora_social.accounts.selectors.teens import (
    TeenControls,
    age_on,
    default_teen_controls,
    may_contact,
    parental_link_get,
    parental_link_is_party,
    parental_link_of_parent,
    parental_link_of_teen,
    parental_link_reportable,
    teen_controls,
    teen_settings_get,
    uncontactable_ids,
    user_is_teen,
)
from sora_social.accounts.selectors.tree import (
    PATH_UPPER,
    InvitePreview,
    invite_ancestors,
    invite_code_preview,
    invite_codes_of,
    invite_descendants,
    invite_subtree_size,
    subtree_filter,
)

__all__ = [
    "PATH_UPPER",
    "SEARCH_MAX_RESULTS",
    "InvitePreview",
    "InviteRisk",
    "MemberPage",
    "Profile",
    "TeenControls",
    "active_member_ids",
    "active_user_ids",
    "age_on",
    "block_exists",
    "blocked_either_way",
    "blocked_user_ids",
    "default_teen_controls",
    "follow_exists",
    "follower_ids",
    "followers_page",
    "following_ids",
    "following_page",
    "follows",
    "invite_ancestors",
    "invite_code_preview",
    "invite_code_risk",
    "invite_codes_of",
    "invite_descendants",
    "invite_risk",
    "invite_subtree_size",
    "may_contact",
    "mentioned_users",
    "mutual_follow_exists",
    "mutual_ids",
    "parental_link_get",
    "parental_link_is_party",
    "parental_link_of_parent",
    "parental_link_of_teen",
    "parental_link_reportable",
    "profile_get",
    "risk_score",
    "sql_tables",
    "subtree_filter",
    "teen_controls",
    "teen_settings_get",
    "uncontactable_ids",
    "user_get",
    "user_get_by_username",
    "user_is_teen",
    "user_load",
    "users_are_mutuals",
    "users_search",
]
