"""Reads of strikes: a member's own strikes."""

from __future__ import annotations

from django.db.models import QuerySet

from moderation.models import Strike
from sora_social.accounts.models import User


def strikes_for_user(*, user: User) -> QuerySet[Strike]:
    """The member's strikes, newest first."""
    return Strike.objects.filter(user=user).order_by("-id")
