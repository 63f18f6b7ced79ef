"""The invite tree: subtree ranges, ancestors, descendants (paged), a member's codes, and a code's preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from django.db.models import BooleanField, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from sora_social.accounts.models import InviteCode, User
from sora_social.common.errors import NotFound
from sora_social.common.pagination import decode_cursor, encode_cursor

# Every path character sorts below "{" in the "C" collation ([0-9a-z.]), so
# `path < P || "{"` closes the range of paths that start with P.
PATH_UPPER = "{"


def subtree_filter(path: str, *, include_root: bool = False) -> Q:
    """Rows in the subtree under `path` (a range scan on the path index)."""
    upper = Q(invite_path__lt=path + PATH_UPPER)
    return (Q(invite_path__gte=path) if include_root else Q(invite_path__gt=path)) & upper


# The prefixes of the member's path, as an array computed once (an InitPlan):
# `path = ANY(array)` is then a handful of probes into the unique path index,
# whatever the tree's size. (An `IN (subquery)` form lets the planner pick a
# hash join over the whole table instead.)
_ANCESTORS_WHERE = """
    "accounts_user"."invite_path" = ANY(ARRAY(
        SELECT left(u.invite_path, g) FROM accounts_user u
        CROSS JOIN LATERAL generate_series(1, length(u.invite_path) - 1) AS g
        WHERE u.id = %s AND substr(u.invite_path, g, 1) = '.'
    ))
"""


def invite_ancestors(*, user_id: int) -> list[User]:
    """The inviter chain, root first, in one query (path prefixes → unique path index)."""
    ancestors = RawSQL(_ANCESTORS_WHERE, (user_id,), output_field=BooleanField())  # noqa: S611 - bound parameter
    return list(User.objects.filter(ancestors).order_by("invite_depth"))


def invite_descendants_qs(*, user_id: int, max_depth: int | None = None) -> QuerySet[User]:
    """Descendants in depth-first order; the subtree bounds come from one scalar subquery."""
    if max_depth == 1:
        # Direct invitees: the inviter index, not a scan of the whole subtree in path order.
        return User.objects.filter(inviter_id=user_id).order_by("invite_path")
    base = User.objects.filter(pk=user_id)
    path = Subquery(base.values("invite_path")[:1])
    upper = RawSQL("(SELECT invite_path || %s FROM accounts_user WHERE id = %s)", (PATH_UPPER, user_id))
    qs = User.objects.filter(invite_path__gt=path, invite_path__lt=upper)
    if max_depth is not None:
        depth = RawSQL("(SELECT invite_depth + %s FROM accounts_user WHERE id = %s)", (max_depth, user_id))
        qs = qs.filter(invite_depth__lte=depth)
    return qs.order_by("invite_path")


def invite_descendants(
    *, user_id: int, cursor: str | None = None, limit: int = 20, max_depth: int | None = None
) -> tuple[list[User], str | None]:
    """One page of the subtree below `user_id`, depth-first, and the next cursor (one query)."""
    limit = max(1, min(int(limit), 100))
    qs = invite_descendants_qs(user_id=user_id, max_depth=max_depth)
    after = decode_cursor(cursor, scope="accounts.invitees")
    if after is not None:
        qs = qs.filter(invite_path__gt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not (more and rows):
        return rows, None
    # A descendant is in the tree, so has a path (the filter above is on it).
    return rows, encode_cursor(cast(str, rows[-1].invite_path), scope="accounts.invitees")


def invite_subtree_size(*, user_id: int) -> int:
    """Members below `user_id`: the stored counter, not a count."""
    value = User.objects.filter(pk=user_id).values_list("invitees_total", flat=True).first()
    if value is None:
        raise NotFound("No such user.")
    return value


def invite_codes_of(*, user_id: int) -> list[InviteCode]:
    return list(
        InviteCode.objects.filter(owner_id=user_id).select_related("redeemed_by").order_by("created_at", "id")
    )


@dataclass(frozen=True)
class InvitePreview:
    """What an invite link shows before signup: whether the code may be redeemed now, and whose it is.

    `inviter_*` are empty for staff-issued root codes (no owner) and for codes
    that cannot be used: a spent or disabled code does not name its owner.
    """

    state: Literal["usable", "used", "disabled"]
    inviter_username: str = ""
    inviter_display_name: str = ""


def invite_code_preview(*, code: str) -> InvitePreview | None:
    """The preview of a normalised code (one query), None when no such code exists.

    "usable" follows the redemption rule (`services.signup._lock_usable_code`):
    available, and an owner who is active, may invite, and is in the tree.
    """
    row = (
        InviteCode.objects.filter(code=code)
        .values(
            "state",
            "owner_id",
            "owner__username",
            "owner__display_name",
            "owner__is_active",
            "owner__can_invite",
            "owner__invite_path",
        )
        .first()
    )
    if row is None:
        return None
    if row["state"] == InviteCode.State.REDEEMED:
        return InvitePreview(state="used")
    owned = row["owner_id"] is not None
    if row["state"] == InviteCode.State.DISABLED or (
        owned
        and not (
            row["owner__is_active"] and row["owner__can_invite"] and row["owner__invite_path"] is not None
        )
    ):
        return InvitePreview(state="disabled")
    if not owned:
        return InvitePreview(state="usable")
    return InvitePreview(
        state="usable",
        inviter_username=row["owner__username"],
        inviter_display_name=row["owner__display_name"] or row["owner__username"],
    )
