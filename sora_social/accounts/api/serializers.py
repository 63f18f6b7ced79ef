"""Shapes of member objects in the API (plain dicts: these are on hot paths)."""

from __future__ import annotations

from typing import Any

from sora_social.accounts.models import InviteCode, ParentalLink, TeenSettings, User


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
    return {
        **user_public(user),
        "email": user.email,
        "date_joined": user.date_joined,
        "region": user.region,
        "is_teen": user.is_teen,
        "can_invite": user.can_invite,
        "inviter_id": str(user.inviter_id) if user.inviter_id else None,
        "invite_depth": user.invite_depth,
        "invitees_total": user.invitees_total,
    }


def invite_code_out(code: InviteCode) -> dict[str, Any]:
    return {
        "code": code.display,
        "state": code.state,
        "redeemed_by": user_public(code.redeemed_by) if code.redeemed_by_id else None,
        "redeemed_at": code.redeemed_at,
    }


def invitee_out(user: User, *, base_depth: int) -> dict[str, Any]:
    return {
        **user_public(user),
        "inviter_id": str(user.inviter_id) if user.inviter_id else None,
        "depth": user.invite_depth - base_depth,
        "invitees_total": user.invitees_total,
        "date_joined": user.date_joined,
    }


def parental_link_out(link: ParentalLink, controls: TeenSettings | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(link.id),
        "state": link.state,
        "parent_id": str(link.parent_id),
        "teen_id": str(link.teen_id) if link.teen_id else None,
        "expires_at": link.expires_at,
        "accepted_at": link.accepted_at,
    }
    if link.code:
        body["code"] = link.code
    if controls is not None:
        body["controls"] = {
            "daily_feed_budget": controls.daily_feed_budget,
            "personalization_enabled": controls.personalization_enabled,
            "dms_enabled": controls.dms_enabled,
            "cameo_audience_max": controls.cameo_audience_max,
        }
    return body
