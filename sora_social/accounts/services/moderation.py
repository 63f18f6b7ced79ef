"""Moderator actions on members and on whole invite subtrees.

Each action writes one `AccountAction` (who, when, why, what kind, on whom,
how many accounts), and the subtree actions take `dry_run=True` to report that
count first without changing anything (the dry run is recorded too, so the
audit shows what the moderator saw before acting). Subtree actions are one
set-based statement over the path index, whatever the subtree's size.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from sora_social.accounts.models import AccountAction, InviteCode, User
from sora_social.accounts.models.users import child_path
from sora_social.accounts.selectors import PATH_UPPER, subtree_filter
from sora_social.accounts.services.profile import notification_create
from sora_social.accounts.services.sessions import sessions_revoke
from sora_social.accounts.services.tree import ancestors_add, lock_trees
from sora_social.accounts.signals import account_suspended
from sora_social.common.errors import Conflict, ValidationFailed

Kind = AccountAction.Kind


def require_reason(reason: str) -> str:
    """The reason, stripped; refused when blank (every account action is audited with one)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("A reason is required.", code="reason_required")
    return reason


def lock_member(user: User) -> User:
    """Lock the member's tree and return a fresh copy of the member."""
    lock_trees([user.tree_root_id])
    fresh = User.objects.get(pk=user.pk)
    if fresh.tree_root_id != user.tree_root_id:  # moved while we waited
        lock_trees([fresh.tree_root_id])
        fresh = User.objects.get(pk=user.pk)
    return fresh


def _record(
    kind: str,
    *,
    actor: User | None,
    target: User | None,
    reason: str,
    affected: int,
    dry_run: bool = False,
    **details: object,
) -> AccountAction:
    return AccountAction.objects.create(
        kind=kind,
        actor=actor,
        target=target,
        reason=reason,
        affected=affected,
        dry_run=dry_run,
        details=details,
    )


def _notify_inviter(user: User, kind: str) -> None:
    if user.inviter_id:
        notification_create(
            user_id=user.inviter_id,
            kind=kind,
            payload={"user_id": str(user.pk), "username": user.username},
        )


@transaction.atomic
def user_suspend(*, user: User, actor: User | None, reason: str) -> AccountAction:
    """Suspend one member (cannot sign in; tokens stop working); their inviter is told."""
    reason = require_reason(reason)
    user = lock_member(user)
    if user.suspended_at or user.banned_at:
        return _record(Kind.SUSPEND, actor=actor, target=user, reason=reason, affected=0, already=True)
    User.objects.filter(pk=user.pk).update(is_active=False, suspended_at=timezone.now())
    sessions_revoke(user_ids=[user.pk])
    _notify_inviter(user, "invitee.suspended")
    account_suspended.send(sender=User, user_ids=[user.pk])
    return _record(Kind.SUSPEND, actor=actor, target=user, reason=reason, affected=1)


@transaction.atomic
def user_unsuspend(*, user: User, actor: User | None, reason: str) -> AccountAction:
    reason = require_reason(reason)
    user = lock_member(user)
    if user.banned_at:
        raise Conflict("A banned member cannot be unsuspended.", code="user_banned")
    affected = User.objects.filter(pk=user.pk, suspended_at__isnull=False).update(
        is_active=True, suspended_at=None
    )
    return _record(Kind.UNSUSPEND, actor=actor, target=user, reason=reason, affected=affected)


@transaction.atomic
def user_ban(*, user: User, actor: User | None, reason: str) -> AccountAction:
    """Ban for good: inactive, no invites, available codes disabled; the inviter is told."""
    reason = require_reason(reason)
    user = lock_member(user)
    if user.banned_at:
        return _record(Kind.BAN, actor=actor, target=user, reason=reason, affected=0, already=True)
    User.objects.filter(pk=user.pk).update(is_active=False, can_invite=False, banned_at=timezone.now())
    sessions_revoke(user_ids=[user.pk])
    codes = InviteCode.objects.filter(owner=user, state=InviteCode.State.AVAILABLE).update(
        state=InviteCode.State.DISABLED
    )
    _notify_inviter(user, "invitee.banned")
    account_suspended.send(sender=User, user_ids=[user.pk])
    return _record(Kind.BAN, actor=actor, target=user, reason=reason, affected=1, codes_disabled=codes)


@transaction.atomic
def user_report_received(*, user_id: int) -> None:
    """Count a report against a member (moderation calls this); feeds the subtree risk score."""
    User.objects.filter(pk=user_id).update(reports_received=F("reports_received") + 1)


@transaction.atomic
def invites_disable(*, user: User, actor: User | None, reason: str, dry_run: bool = False) -> AccountAction:
    """One member may no longer invite; their unredeemed codes are disabled."""
    reason = require_reason(reason)
    user = lock_member(user)
    codes = InviteCode.objects.filter(owner=user, state=InviteCode.State.AVAILABLE)
    if dry_run:
        return _record(
            Kind.INVITES_DISABLE,
            actor=actor,
            target=user,
            reason=reason,
            affected=int(user.can_invite),
            dry_run=True,
            codes=codes.count(),
        )
    affected = User.objects.filter(pk=user.pk, can_invite=True).update(can_invite=False)
    disabled = codes.update(state=InviteCode.State.DISABLED)
    return _record(
        Kind.INVITES_DISABLE, actor=actor, target=user, reason=reason, affected=affected, codes=disabled
    )


def _tree_path(user: User) -> str:
    """The member's path in the invite tree; refused when they are not in it."""
    if not user.invite_path:
        raise ValidationFailed("This account is not in the invite tree.", code="not_in_tree")
    return user.invite_path


@transaction.atomic
def subtree_freeze(*, root: User, actor: User | None, reason: str, dry_run: bool = False) -> AccountAction:
    """No member of the subtree (root included) can invite; their unredeemed codes are disabled."""
    reason = require_reason(reason)
    root = lock_member(root)
    path = _tree_path(root)
    members = User.objects.filter(subtree_filter(path, include_root=True), can_invite=True)
    codes = InviteCode.objects.filter(
        owner__in=User.objects.filter(subtree_filter(path, include_root=True)).values("pk"),
        state=InviteCode.State.AVAILABLE,
    )
    if dry_run:
        return _record(
            Kind.SUBTREE_FREEZE,
            actor=actor,
            target=root,
            reason=reason,
            affected=members.count(),
            dry_run=True,
            codes=codes.count(),
        )
    affected = members.update(can_invite=False)
    disabled = codes.update(state=InviteCode.State.DISABLED)
    return _record(
        Kind.SUBTREE_FREEZE, actor=actor, target=root, reason=reason, affected=affected, codes=disabled
    )


_SUSPEND_SQL = """
    UPDATE accounts_user SET is_active = false, suspended_at = %(now)s
    WHERE invite_path {lower} %(path)s AND invite_path < %(upper)s
      AND suspended_at IS NULL AND banned_at IS NULL
    RETURNING id
"""


@transaction.atomic
def subtree_suspend(
    *, root: User, actor: User | None, reason: str, include_root: bool = False, dry_run: bool = False
) -> AccountAction:
    """Suspend every descendant (and optionally the root) in one UPDATE over the path range.

    Already suspended or banned members are left as they are and not counted.
    The root's inviter (root included) or the root (root spared) is told.
    """
    reason = require_reason(reason)
    root = lock_member(root)
    path = _tree_path(root)
    if dry_run:
        affected = User.objects.filter(
            subtree_filter(path, include_root=include_root), suspended_at__isnull=True, banned_at__isnull=True
        ).count()
        return _record(
            Kind.SUBTREE_SUSPEND,
            actor=actor,
            target=root,
            reason=reason,
            affected=affected,
            dry_run=True,
            include_root=include_root,
        )
    sql = _SUSPEND_SQL.format(lower=">=" if include_root else ">")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": timezone.now(), "path": path, "upper": path + PATH_UPPER})
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        sessions_revoke(user_ids=ids)
        if include_root and root.pk in ids:
            _notify_inviter(root, "invitee.suspended")
        elif not include_root:
            notification_create(
                user_id=root.pk,
                kind="invitees.suspended",
                payload={"count": len(ids), "reason": "moderation"},
            )
        account_suspended.send(sender=User, user_ids=ids)
    return _record(
        Kind.SUBTREE_SUSPEND,
        actor=actor,
        target=root,
        reason=reason,
        affected=len(ids),
        include_root=include_root,
    )


@transaction.atomic
def subtree_reparent(
    *, node: User, new_parent: User, actor: User | None, reason: str, dry_run: bool = False
) -> AccountAction:
    """Move `node` and its subtree under `new_parent`: paths, depths, roots and counters follow.

    One UPDATE rewrites the subtree's paths (prefix swap); two UPDATEs move the
    subtree's size off the old ancestors and onto the new ones.
    """
    reason = require_reason(reason)
    if node.pk == new_parent.pk:
        raise Conflict("A member cannot be their own inviter.", code="reparent_cycle")
    lock_trees([node.tree_root_id, new_parent.tree_root_id])
    node = User.objects.get(pk=node.pk)
    old_path = _tree_path(node)
    new_parent = User.objects.get(pk=new_parent.pk)
    parent_path = _tree_path(new_parent)
    lock_trees([node.tree_root_id, new_parent.tree_root_id])  # in case either moved while we waited
    if parent_path.startswith(old_path):
        raise Conflict("The new inviter is inside the subtree being moved.", code="reparent_cycle")
    size = node.invitees_total + 1
    if dry_run or node.inviter_id == new_parent.pk:
        return _record(
            Kind.SUBTREE_REPARENT,
            actor=actor,
            target=node,
            reason=reason,
            affected=size if dry_run else 0,
            dry_run=dry_run,
            new_parent_id=str(new_parent.pk),
        )
    User.objects.filter(pk=new_parent.pk).update(invite_children_seq=F("invite_children_seq") + 1)
    seq = User.objects.filter(pk=new_parent.pk).values_list("invite_children_seq", flat=True).get()
    new_path = child_path(parent_path, seq)
    ancestors_add(path=old_path, delta=-size, include_self=False)
    ancestors_add(path=parent_path, delta=size)
    moved = _move_subtree(
        old_path,
        new_path,
        depth_delta=new_parent.invite_depth + 1 - node.invite_depth,
        root=new_parent.tree_root_id,
    )
    User.objects.filter(pk=node.pk).update(inviter=new_parent)
    return _record(
        Kind.SUBTREE_REPARENT,
        actor=actor,
        target=node,
        reason=reason,
        affected=moved,
        new_parent_id=str(new_parent.pk),
        old_inviter_id=str(node.inviter_id or ""),
    )


_MOVE_SQL = """
    UPDATE accounts_user SET
      invite_path = %(new)s || substr(invite_path, %(cut)s),
      invite_depth = invite_depth + %(delta)s,
      invite_root_id = %(root)s
    WHERE invite_path >= %(old)s AND invite_path < %(upper)s
"""


def _move_subtree(old_path: str, new_path: str, *, depth_delta: int, root: int | None) -> int:
    """Swap the path prefix of a whole subtree (depth and root follow) in one UPDATE; rows moved."""
    with connection.cursor() as cursor:
        cursor.execute(
            _MOVE_SQL,
            {
                "new": new_path,
                "cut": len(old_path) + 1,
                "delta": depth_delta,
                "root": root,
                "old": old_path,
                "upper": old_path + PATH_UPPER,
            },
        )
        moved: int = cursor.rowcount
    return moved
