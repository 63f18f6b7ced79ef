"""Who may work which cases: moderator groups read as category sets."""

from __future__ import annotations

from moderation.models import ModeratorGroup
from sora_social.accounts.models import User


def moderator_categories(user: User | None) -> set[str] | None:
    """The case categories a moderator may see and act on; None means all (superusers)."""
    if user is None or not getattr(user, "is_staff", False):
        return set()
    if user.is_superuser:
        return None
    cats: set[str] = set()
    for categories in ModeratorGroup.objects.filter(members=user).values_list("categories", flat=True):
        cats.update(categories)
    return cats


def may_act(user: User | None, category: str, *, account_action: bool = False) -> bool:
    """Whether `user` may act on a case of `category` (account actions need a group allowing them)."""
    allowed = moderator_categories(user)
    if allowed is not None and category not in allowed:
        return False
    if account_action and user is not None and not user.is_superuser:
        return ModeratorGroup.objects.filter(
            members=user, account_actions=True, categories__contains=[category]
        ).exists()
    return True
