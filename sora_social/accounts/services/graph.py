"""Follow, unfollow, block, unblock. Blocking removes follows both ways and hides
each member from the other everywhere (other apps filter with
`selectors.blocked_user_ids` / `selectors.block_exists` and react to the
`user_blocked` signal)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from sora_social.accounts.models import Block, Follow, User
from sora_social.accounts.selectors import blocked_either_way
from sora_social.accounts.signals import user_blocked
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.notifications import kinds
from sora_social.notifications.services import notification_create, notifications_between_forget


def _not_self(actor: User, target: User, what: str) -> None:
    if actor.pk == target.pk:
        raise ValidationFailed(f"You cannot {what} yourself.", code=f"cannot_{what}_self")


@transaction.atomic
def follow_create(*, actor: User, target: User) -> Follow:
    """Follow `target` (idempotent). A block either way answers 404: the target is hidden."""
    _not_self(actor, target, "follow")
    if not target.is_active or blocked_either_way(a_id=actor.pk, b_id=target.pk):
        raise NotFound("No such user.")
    follow, created = Follow.objects.get_or_create(follower=actor, followee=target)
    if created:
        notification_create(
            user_id=target.pk,
            kind=kinds.FOLLOW,
            payload={"user_id": str(actor.pk)},
            actor_id=actor.pk,
            target_type="user",
            target_id=target.pk,
        )
    return follow


@transaction.atomic
def follow_delete(*, actor: User, target: User) -> bool:
    """Unfollow (idempotent); True when a follow existed."""
    deleted, _ = Follow.objects.filter(follower=actor, followee=target).delete()
    return deleted > 0


@transaction.atomic
def block_create(*, actor: User, target: User) -> Block:
    """Block `target` (idempotent): follows both ways are removed and `user_blocked` is sent."""
    _not_self(actor, target, "block")
    block, created = Block.objects.get_or_create(blocker=actor, blocked=target)
    Follow.objects.filter(Q(follower=actor, followee=target) | Q(follower=target, followee=actor)).delete()
    if created:
        # What each caused the other ("ana liked your post") goes with the block, both ways.
        notifications_between_forget(a_id=actor.pk, b_id=target.pk)
        user_blocked.send(sender=User, blocker_id=actor.pk, blocked_id=target.pk)
    return block


@transaction.atomic
def block_delete(*, actor: User, target: User) -> bool:
    """Unblock (idempotent); follows are not restored."""
    deleted, _ = Block.objects.filter(blocker=actor, blocked=target).delete()
    return deleted > 0
