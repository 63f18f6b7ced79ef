"""Every dict the accounts app sends out: API bodies and WebSocket events (plain dicts: hot paths).

Views call selectors and services, then one of these. The DRF serializers
(input validation, schema components) stay in `api/serializers.py`.
"""

from __future__ import annotations

from typing import Any

from sora_social.accounts.models import (
    InviteCode,
    Notification,
    ParentalLink,
    TeenSettings,
    User,
    WaitlistEntry,
)
from sora_social.accounts.selectors import InvitePreview, TeenControls


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


def signup_out(user: User, tokens: dict[str, str]) -> dict[str, Any]:
    """A new member and their first session's tokens."""
    return {"user": user_private(user), **tokens}


def waitlisted_out(*, region: str) -> dict[str, Any]:
    """A signup from a region not yet open: waitlisted."""
    return {
        "waitlisted": True,
        "region": region,
        "message": "Sora Social is not open in your region yet; you are on the waitlist.",
    }


def waitlist_entry_out(entry: WaitlistEntry) -> dict[str, Any]:
    return {"email": entry.email, "region": entry.region}


def ws_ticket_out(ticket: str, seconds: int) -> dict[str, Any]:
    return {"ticket": ticket, "expires_in": seconds}


def invite_code_out(code: InviteCode) -> dict[str, Any]:
    return {
        "code": code.display,
        "state": code.state,
        "redeemed_by": user_public(code.redeemed_by) if code.redeemed_by is not None else None,
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


def relation_out(user: User, *, following: bool) -> dict[str, Any]:
    """A member and whether I follow them now (after a follow or unfollow)."""
    return {"user": user_public(user), "following": following}


def block_out(user: User, *, blocked: bool) -> dict[str, Any]:
    return {"user_id": str(user.pk), "blocked": blocked}


def controls_out(controls: TeenSettings | TeenControls) -> dict[str, Any]:
    """A teen's controls, as a parent set them or the defaults."""
    return {
        "daily_feed_budget": controls.daily_feed_budget,
        "personalization_enabled": controls.personalization_enabled,
        "dms_enabled": controls.dms_enabled,
        "cameo_audience_max": controls.cameo_audience_max,
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
        body["controls"] = controls_out(controls)
    return body


def my_parental_link_out(
    link: ParentalLink, controls: TeenSettings | None, defaults: TeenControls
) -> dict[str, Any]:
    """The teen's view of their link: the parent, and the controls in force (the defaults if none set)."""
    body = parental_link_out(link, controls)
    body["parent"] = {
        "id": str(link.parent.pk),
        "username": link.parent.username,
        "display_name": link.parent.display_name,
    }
    if "controls" not in body:
        body["controls"] = controls_out(defaults)
    return body


def notification_out(note: Notification) -> dict[str, Any]:
    """A stored notification in the list."""
    return {
        "id": str(note.id),
        "kind": note.kind,
        "payload": note.payload,
        "created_at": note.created_at,
        "read_at": note.read_at,
    }


def notification_event(note: Notification) -> dict[str, Any]:
    """The same notification as pushed live over the member's WebSocket."""
    return {"type": note.kind, "id": str(note.id), "created_at": note.created_at.isoformat(), **note.payload}


def invite_page_out(
    preview: InvitePreview, *, code: str, region: str, waitlist: bool, min_age: int
) -> dict[str, Any]:
    """The invite page's template context (texts raw: the template escapes them)."""
    inviter = None
    if preview.inviter_username:
        inviter = {"username": preview.inviter_username, "name": preview.inviter_display_name}
    return {
        "title": f"{inviter['name']} invited you to Sora Social"
        if inviter
        else "You are invited to Sora Social",
        "inviter": inviter,
        "code": code,
        "region": region,
        "waitlist": waitlist,
        "min_age": min_age,
    }
