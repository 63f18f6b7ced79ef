"""Follow, unfollow, block, unblock. Blocking removes follows both ways and hides
each member from the other everywhere (other apps filter with
`selectors.blocked_user_ids` / `selectors.block_exists` and react to the
`user_blocked` signal).

Every follow created or deleted moves the stored follower and following
counters in the same transaction (`counters.follow_counts_adjust`): follows
are inserted with `ON CONFLICT DO NOTHING` and deleted with `RETURNING`, so
only the edges that really changed are counted, however many requests race.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from sora_social.accounts.models import Block, Follow, User
from sora_social.accounts.selectors import blocked_either_way
from sora_social.accounts.services.counters import follow_counts_adjust
from sora_social.accounts.signals import user_blocked
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import new_id
from sora_social.notifications import kinds
from sora_social.notifications.services import notification_create, notifications_between_forget

_FOLLOW = Follow._meta.db_table


def _not_self(actor: User, target: User, what: str) -> None:
    if actor.pk == target.pk:
        raise ValidationFailed(f"You cannot {what} yourself.", code=f"cannot_{what}_self")


@transaction.atomic
def follow_create(*, actor: User, target: User) -> Follow:
    """Follow `target` (idempotent). A block either way answers 404: the target is hidden."""
    _not_self(actor, target, "follow")
    if not target.is_active or blocked_either_way(a_id=actor.pk, b_id=target.pk):
        raise NotFound("No such user.")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_FOLLOW} (id, follower_id, followee_id, created_at) VALUES (%s, %s, %s, %s)"  # noqa: S608
            " ON CONFLICT (follower_id, followee_id) DO NOTHING RETURNING id",
            [new_id(), actor.pk, target.pk, timezone.now()],
        )
        created = cursor.fetchone() is not None
    if created:
        follow_counts_adjust(edges=[(actor.pk, target.pk)], delta=+1)
        notification_create(
            user_id=target.pk,
            kind=kinds.FOLLOW,
            payload={"user_id": str(actor.pk)},
            actor_id=actor.pk,
            target_type="user",
            target_id=target.pk,
        )
    return Follow.objects.get(follower_id=actor.pk, followee_id=target.pk)


def follows_delete(*, where: str, params: list[int]) -> list[tuple[int, int]]:
    """Delete the follows matching `where` (SQL over `follower_id`/`followee_id`) and move the
    counters by the edges really deleted; returns them. One DELETE, one UPDATE."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_FOLLOW} WHERE {where} RETURNING follower_id, followee_id",  # noqa: S608
            params,
        )
        edges = [(int(a), int(b)) for a, b in cursor.fetchall()]
    follow_counts_adjust(edges=edges, delta=-1)
    return edges


@transaction.atomic
def follow_delete(*, actor: User, target: User) -> bool:
    """Unfollow (idempotent); True when a follow existed."""
    return bool(follows_delete(where="follower_id = %s AND followee_id = %s", params=[actor.pk, target.pk]))


@transaction.atomic
def block_create(*, actor: User, target: User) -> Block:
    """Block `target` (idempotent): follows both ways are removed and `user_blocked` is sent."""
    _not_self(actor, target, "block")
    block, created = Block.objects.get_or_create(blocker=actor, blocked=target)
    follows_delete(
        where="(follower_id = %s AND followee_id = %s) OR (follower_id = %s AND followee_id = %s)",
        params=[actor.pk, target.pk, target.pk, actor.pk],
    )
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
