"""Deleting an account (the member, with their password, or staff, with a reason).

The member row is not deleted: the invite tree (inviter, root, paths, subtree
counters) and the audit trail (`AccountAction`, moderation cases) point at it.
It becomes a tombstone instead: inactive, password unusable, every token
refused, username `deleted-<id>`, and every personal field blank (email, names,
bio, birthdate, region). Everything the member made or holds elsewhere goes
through `accounts.signals.account_deleted`, whose receivers in the higher apps
run inside this transaction: posts, likes, comments, generations, uploads,
cameos (face data, recordings, appearances) and their files.

Everything is set-based: the statements are the same for a member with one
post or a thousand (storage calls are one per file).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sora_social.accounts.models import (
    AccountAction,
    Block,
    InviteCode,
    ParentalLink,
    TeenSettings,
    User,
)
from sora_social.accounts.services.graph import follows_delete
from sora_social.accounts.services.moderation import lock_member, require_reason
from sora_social.accounts.services.profile import avatar_file_delete_on_commit
from sora_social.accounts.services.sessions import sessions_revoke
from sora_social.accounts.signals import account_deleted
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.notifications.services import notifications_forget


def tombstone_username(user_id: int) -> str:
    return f"deleted-{user_id}"


@transaction.atomic
def account_delete(*, user: User, actor: User | None, reason: str) -> AccountAction:
    """Delete `user`'s account for good; `actor` is the member themself or a staff member.

    Every token is refused and every open socket closes on commit; the higher
    apps remove the member's content and files (see the module docstring).
    Deleting an already deleted account changes nothing (404).
    """
    reason = require_reason(reason)
    user = lock_member(user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        raise NotFound("No such member.", code="user_not_found")
    pk = user.pk

    sessions_revoke(user_ids=[pk])
    now = timezone.now()
    codes = _end_relations(pk, now)
    # The higher apps' part, inside this transaction.
    account_deleted.send(sender=User, user_id=pk)
    _scrub(user, now)
    return AccountAction.objects.create(
        kind=AccountAction.Kind.ACCOUNT_DELETE,
        actor=actor,
        target=user,
        reason=reason,
        affected=1,
        details={"by_self": actor is not None and actor.pk == pk, "codes_disabled": codes},
    )


def _end_relations(pk: int, now: dt.datetime) -> int:
    """Follows, blocks, parental links, teen settings and notifications end; codes are disabled (how many)."""
    follows_delete(where="follower_id = %s OR followee_id = %s", params=[pk, pk])
    Block.objects.filter(blocker_id=pk).delete()
    Block.objects.filter(blocked_id=pk).delete()
    codes = InviteCode.objects.filter(owner_id=pk, state=InviteCode.State.AVAILABLE).update(
        state=InviteCode.State.DISABLED
    )
    for side in (Q(parent_id=pk), Q(teen_id=pk)):
        ParentalLink.objects.filter(side).exclude(state=ParentalLink.State.REVOKED).update(
            state=ParentalLink.State.REVOKED,
            ended_at=now,
            end_reason="account_deleted",
            code=None,
            confirm_token_hash=None,
        )
    TeenSettings.objects.filter(teen_id=pk).delete()
    notifications_forget(user_id=pk)
    return codes


def _scrub(user: User, now: dt.datetime) -> None:
    """The row becomes a tombstone: no personal fields, no password, no staff rights."""
    user.username = tombstone_username(user.pk)
    user.email = ""
    user.first_name = user.last_name = user.display_name = user.bio = user.region = ""
    # The avatar file goes once the deletion commits; every URL minted for it dies with it.
    avatar_file_delete_on_commit(user.avatar)
    user.avatar = ""
    user.birthdate = None
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.can_invite = False
    user.deleted_at = now
    user.set_unusable_password()
    user.save(
        update_fields=[
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "bio",
            "avatar",
            "region",
            "birthdate",
            "is_active",
            "is_staff",
            "is_superuser",
            "can_invite",
            "deleted_at",
            "password",
        ]
    )
    user.groups.clear()
    user.user_permissions.clear()


def account_delete_own(*, user: User, password: str) -> AccountAction:
    """The member deletes their own account, confirming with their current password."""
    if not password or not user.check_password(password):
        raise ValidationFailed("The current password is wrong.", code="wrong_password")
    return account_delete(user=user, actor=user, reason="deleted by the member")
