"""The social graph: follows, mutuals, blocks, and the `Exists` builders other apps embed in their queries."""

from __future__ import annotations

from django.db.models import Exists, Expression, OuterRef, Q

from sora_social.accounts.models import Block, Follow, User


def follows(*, follower_id: int, followee_id: int) -> bool:
    return Follow.objects.filter(follower_id=follower_id, followee_id=followee_id).exists()


def mutual_follow_exists(*, a: Expression | OuterRef | int, b: Expression | OuterRef | int) -> Exists:
    """An `Exists` true when a follows b and b follows a; `a`/`b` may be ids or `OuterRef`s.

    One EXISTS over the (follower, followee) unique index; the reverse edge is
    a nested EXISTS on the same index, correlated to the outer follow row.
    """
    reverse = Follow.objects.filter(follower_id=OuterRef("followee_id"), followee_id=OuterRef("follower_id"))
    return Exists(Follow.objects.filter(Exists(reverse), follower_id=a, followee_id=b))


def users_are_mutuals(*, a_id: int, b_id: int) -> bool:
    if a_id == b_id:
        return False
    return User.objects.filter(pk=a_id).filter(mutual_follow_exists(a=a_id, b=b_id)).exists()


def mutual_ids(*, user_id: int) -> set[int]:
    """Ids of everyone who follows `user_id` and is followed back."""
    back = Follow.objects.filter(follower_id=OuterRef("followee_id"), followee_id=user_id)
    return set(Follow.objects.filter(Exists(back), follower_id=user_id).values_list("followee_id", flat=True))


def following_ids(*, user_id: int) -> set[int]:
    return set(Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True))


def follower_ids(*, user_id: int) -> set[int]:
    return set(Follow.objects.filter(followee_id=user_id).values_list("follower_id", flat=True))


def follow_exists(*, follower: Expression | OuterRef | int, followee: Expression | OuterRef | int) -> Exists:
    """An `Exists` true when `follower` follows `followee`; ids or `OuterRef`s (the unique index)."""
    return Exists(Follow.objects.filter(follower_id=follower, followee_id=followee))


def block_exists(*, a: Expression | OuterRef | int, b: Expression | OuterRef | int) -> Exists:
    """An `Exists` true when a blocked b or b blocked a; ids or `OuterRef`s."""
    return Exists(Block.objects.filter(Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)))


def blocked_either_way(*, a_id: int, b_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_user_ids(*, user_id: int) -> set[int]:
    """Everyone `user_id` blocked or was blocked by: hidden from each other everywhere."""
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {blocked if blocker == user_id else blocker for blocker, blocked in rows}
