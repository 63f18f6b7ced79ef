"""Reads about members. Other apps read accounts through here, never through the models."""

from __future__ import annotations

from sora_social.accounts.models import User
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id


def user_get(*, user_id: object) -> User:
    """An active member by id; unknown, malformed and inactive ids are all 404."""
    pk = parse_id(user_id)
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        raise NotFound("No such user.")
    return user
