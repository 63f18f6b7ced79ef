"""Reads of cases: the moderator's queue and the dashboard's per-day counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from moderation.models import Case, CaseState
from moderation.selectors.permissions import moderator_categories
from sora_social.accounts.models import User


def case_queue(
    *,
    moderator: User,
    category: str | None = None,
    state: str | None = None,
    assignee_id: int | None = None,
) -> QuerySet[Case]:
    """Unresolved cases the moderator may work, highest priority first."""
    qs = Case.objects.exclude(state=CaseState.RESOLVED)
    allowed = moderator_categories(moderator)
    if allowed is not None:
        qs = qs.filter(category__in=allowed)
    if category:
        qs = qs.filter(category=category)
    if state:
        qs = qs.filter(state=state)
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    return qs.order_by("-priority", "id")


def cases_per_day(*, days: int = 14) -> dict[str, Any]:
    """Cases opened and resolved per day and category over the last `days` days (dashboard)."""
    since = timezone.now() - timedelta(days=days - 1)
    start = since.date()
    dates = [start + timedelta(days=i) for i in range(days)]
    out: dict[str, Any] = {"dates": [d.isoformat() for d in dates], "opened": {}, "resolved": {}}
    for key, field in (("opened", "opened_at"), ("resolved", "resolved_at")):
        rows = (
            Case.objects.filter(**{f"{field}__date__gte": start})
            .annotate(day=TruncDate(field))
            .values("day", "category")
            .annotate(n=Count("id"))
        )
        for row in rows:
            series = out[key].setdefault(row["category"], [0] * days)
            series[(row["day"] - start).days] += row["n"]
    return out


def open_case_counts() -> list[dict[str, Any]]:
    """Unresolved cases per category, most first (dashboard)."""
    rows = (
        Case.objects.exclude(state=CaseState.RESOLVED)
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [dict(row) for row in rows]


def case_category(*, case_id: int | None) -> str | None:
    """A case's category (what an action on it was about), or None for an unknown id."""
    if case_id is None:
        return None
    category: str | None = Case.objects.filter(pk=case_id).values_list("category", flat=True).first()
    return category
