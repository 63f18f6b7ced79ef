"""Shapes of member objects in the API."""

from __future__ import annotations

from typing import Any

from sora_social.accounts.models import User


def user_public(user: User) -> dict[str, Any]:
    """The member as anyone who may see them sees them."""
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name or user.username,
        "bio": user.bio,
    }


def user_private(user: User) -> dict[str, Any]:
    """The member as they see themselves."""
    return {**user_public(user), "email": user.email, "date_joined": user.date_joined}
