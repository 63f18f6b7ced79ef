"""Every dict the accounts app sends out: API bodies and WebSocket events (plain dicts: hot paths).

Views call selectors and services, then one of these. The DRF serializers
(input validation, schema components) stay in `api/serializers.py`.
"""

from __future__ import annotations

from typing import Any

from sora_social.accounts.models import (
    InviteCode,
    ParentalLink,
    TeenSettings,
    User,
    WaitlistEntry,
)
from sora_social.accounts.selectors import InvitePreview, MemberPage, Profile, TeenControls
from sora_social.common.media import media_url


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
        "avatar_url": avatar_url(user),
        "counts": counts_out(user),
    }


def avatar_url(user: User) -> str | None:
    """The avatar's signed, short-lived URL (rule 10: avatars are not public media); None without one."""
    return media_url(user.avatar) if user.avatar else None


def counts_out(user: User) -> dict[str, int]:
    """The stored counters (never counted live)."""
    return {"followers": user.follower_count, "following": user.following_count, "posts": user.post_count}


def member_card(user: User, *, followed_by_me: bool, follows_me: bool) -> dict[str, Any]:
    """A member in a list (followers, following, search results)."""
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name or user.username,
        "avatar_url": avatar_url(user),
        "followed_by_me": followed_by_me,
        "follows_me": follows_me,
    }


def profile_out(profile: Profile) -> dict[str, Any]:
    """A member's profile as the viewer sees it: counts and how the two are related."""
    user = profile.user
    return {
        **member_card(user, followed_by_me=profile.followed_by_me, follows_me=profile.follows_me),
        "bio": user.bio,
        "counts": counts_out(user),
        "date_joined": user.date_joined,
    }


def member_page_out(page: MemberPage) -> dict[str, Any]:
    """A page of members; each user carries the `followed_by_me` / `follows_me` flags its query annotated."""
    return {
        "results": [
            member_card(u, followed_by_me=u.followed_by_me, follows_me=u.follows_me)  # type: ignore[attr-defined]
            for u in page.users
        ],
        "next": page.next,
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
        "dms_audience": controls.dms_audience,
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
