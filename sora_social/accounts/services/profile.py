"""Profile edits; `notification_create` is the notifications app's, re-exported here for every caller."""

from __future__ import annotations

from django.db import transaction

from sora_social.accounts.models import User
from sora_social.notifications.services import notification_create

__all__ = ["notification_create", "user_update_profile"]


@transaction.atomic
def user_update_profile(*, user: User, display_name: str | None = None, bio: str | None = None) -> User:
    fields: list[str] = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if bio is not None:
        user.bio = bio.strip()
        fields.append("bio")
    if fields:
        user.save(update_fields=fields)
    return user
