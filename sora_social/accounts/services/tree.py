"""The invite tree's locking protocol and counter maintenance.

Locking: every write that changes a tree's shape, its counters, or who in it
may invite first locks the tree's root row (`SELECT … FOR NO KEY UPDATE`); writes
that touch several trees lock their roots in id order. Every signup in a tree
increments the root's `invitees_total` anyway, so the root row is already the
point where a tree's writes meet: taking it first costs nothing extra and
gives one global lock order (root, then codes, then members), so concurrent
signups, freezes and reparents neither deadlock nor miscount. (`NO KEY`: the
lock serialises writers of the tree without blocking the deferred foreign-key
checks of rows that point at the root member; see `counters`.)
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F

from sora_social.accounts.models import User
from sora_social.accounts.models.users import path_prefixes


def lock_trees(root_ids: Iterable[int]) -> None:
    """Lock the root rows of these trees, in id order. Call inside a transaction."""
    ids = sorted(set(root_ids))
    if ids:
        list(
            User.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def ancestors_add(*, path: str, delta: int, include_self: bool = True) -> int:
    """Add `delta` to `invitees_total` of the node at `path` and all above it (one UPDATE)."""
    prefixes = path_prefixes(path)
    if not include_self:
        prefixes = prefixes[:-1]
    if not prefixes or delta == 0:
        return 0
    return User.objects.filter(invite_path__in=prefixes).update(invitees_total=F("invitees_total") + delta)


@transaction.atomic
def invite_counters_rebuild() -> int:
    """Recompute every `invitees_total` from the tree, bottom-up by depth.

    Linear in members: each level sums the level below (its own count plus
    their totals), one set-based UPDATE per depth. For repairs, seeding and
    generated benchmark trees; normal writes keep the counters incrementally.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(MAX(invite_depth), 0) FROM accounts_user WHERE invite_path IS NOT NULL"
        )
        (max_depth,) = cursor.fetchone()
        cursor.execute("UPDATE accounts_user SET invitees_total = 0 WHERE invite_path IS NOT NULL")
        changed = 0
        for depth in range(max_depth, 0, -1):
            cursor.execute(
                """
                UPDATE accounts_user p SET invitees_total = s.total
                FROM (
                    SELECT inviter_id, SUM(invitees_total + 1) AS total
                    FROM accounts_user WHERE invite_depth = %s AND invite_path IS NOT NULL
                    GROUP BY inviter_id
                ) s
                WHERE p.id = s.inviter_id
                """,
                [depth],
            )
            changed += cursor.rowcount
    return changed
