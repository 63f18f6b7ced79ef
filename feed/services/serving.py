"""Serving paged listings within a teen's daily feed budget (the writes around a read).

`page_serve` reserves the budget before reading a `selectors.pages.Pager`,
gives back what the page did not fill, and asks a feed worker to rank again
when the page says the member's For you set is stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from feed.models import FeedBudget
from feed.selectors.pages import Pager
from sora_social.accounts.viewer import Viewer
from sora_social.common.ids import new_id
from sora_social.common.tasks import enqueue_on_commit


@dataclass(frozen=True)
class Served:
    """What a listing served: `budget_exhausted` is None for viewers without a budget."""

    results: list[dict[str, Any]] = field(default_factory=list)
    next: str | None = None
    budget_exhausted: bool | None = None


def feed_budget_reserve(*, user_id: int, want: int, budget: int) -> int:
    """Reserve up to `want` of today's feed items for a teen; returns how many were granted.

    The day's row is locked, so concurrent pages never serve past the budget.
    """
    today = timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO feed_budget (id, user_id, day, served) VALUES (%s, %s, %s, 0)"
                " ON CONFLICT (user_id, day) DO NOTHING",
                [new_id(), user_id, today],
            )
        row = FeedBudget.objects.select_for_update().get(user_id=user_id, day=today)
        granted = max(0, min(want, budget - row.served))
        if granted:
            FeedBudget.objects.filter(pk=row.pk).update(served=F("served") + granted)
        return granted


def feed_budget_refund(*, user_id: int, count: int) -> None:
    """Give back reserved items a page did not fill."""
    FeedBudget.objects.filter(user_id=user_id, day=timezone.localdate(), served__gte=count).update(
        served=F("served") - count
    )


def refresh_request(*, user_id: int) -> None:
    """Ask a feed worker to rank this member again (at most once a minute)."""
    if cache.add(f"feed:refresh-requested:{user_id}", 1, 60):
        enqueue_on_commit("feed.refresh_for_you", user_id=user_id)


def page_serve(*, viewer: Viewer, limit: int, pager: Pager) -> Served:
    """Serve a page, within a teen's daily budget (reserved before, unused part given back).

    Every feed-like listing (For you, Following, a member's posts, remixes,
    lineage) goes through here, so they all draw on the one daily budget.
    """
    controls = viewer.controls
    if controls is None:
        page = pager(limit, True)
        budget_exhausted = None
    else:
        granted = feed_budget_reserve(user_id=viewer.id, want=limit, budget=controls.daily_feed_budget)
        if granted <= 0:
            return Served([], None, True)
        page = pager(granted, controls.personalization_enabled)
        if len(page.results) < granted:
            feed_budget_refund(user_id=viewer.id, count=granted - len(page.results))
        budget_exhausted = False
    if page.stale:
        refresh_request(user_id=viewer.id)
    return Served(page.results, page.next, budget_exhausted)
