"""Accounts models: members and their invite tree, invite codes, the waitlist,
the social graph (follows, blocks), parental links with a teen's controls, the
moderators' audit trail.

Other apps read these through `sora_social.accounts.selectors` and change
them through `sora_social.accounts.services`, never directly.
"""

from sora_social.accounts.models.audit import AccountAction
from sora_social.accounts.models.graph import Block, Follow
from sora_social.accounts.models.invites import InviteAttempt, InviteCode, WaitlistEntry
from sora_social.accounts.models.parental import CameoAudience, ParentalLink, TeenSettings
from sora_social.accounts.models.users import User

__all__ = [
    "AccountAction",
    "Block",
    "CameoAudience",
    "Follow",
    "InviteAttempt",
    "InviteCode",
    "ParentalLink",
    "TeenSettings",
    "User",
    "WaitlistEntry",
]
