"""`@mentions` in captions and comments: refused for members the author may not contact."""

from __future__ import annotations

from sora_social.accounts.models import User
from sora_social.accounts.selectors import mentioned_users, uncontactable_ids
from sora_social.common.errors import Forbidden


def mentions_refuse(mentioned: dict[int, str], refused: set[int]) -> None:
    """Raise 403 `mention_not_allowed` naming the mentioned members in `refused`, if any."""
    names = sorted(mentioned[i] for i in mentioned if i in refused)
    if names:
        raise Forbidden(
            "You cannot mention these members.", code="mention_not_allowed", details={"mentions": names}
        )


def mentions_check(*, author: User, text: str) -> None:
    """Refuse `@mentions` of members the author may not contact (teens who do not follow them, blocks)."""
    mentioned = mentioned_users(text=text)
    if mentioned:
        mentions_refuse(mentioned, uncontactable_ids(sender=author, recipient_ids=mentioned))
