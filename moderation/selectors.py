"""Reads of the moderation app; other apps read moderation through here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from moderation.models import Case, CaseState, ModerationAction, RescanJob, StoredVerdict, Strike
from moderation.services import moderator_categories


def case_queue(
    *, moderator: Any, category: str | None = None, state: str | None = None, assignee_id: int | None = None
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


def strikes_for_user(*, user: Any) -> QuerySet[Strike]:
    return Strike.objects.filter(user=user).order_by("-id")


def subject_actions(*, kind: str, object_id: int) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(subject_kind=kind, subject_id=object_id).order_by("id")


def subject_is_removed(*, kind: str, object_id: int) -> bool:
    """Whether the latest remove/hide/restore action on a subject left it removed."""
    last = (
        ModerationAction.objects.filter(
            subject_kind=kind, subject_id=object_id, action__in=["remove", "hide", "restore"]
        )
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    return last in ("remove", "hide")


def verdicts_for_subject(*, kind: str, object_id: int) -> QuerySet[StoredVerdict]:
    return StoredVerdict.objects.filter(subject_kind=kind, subject_id=object_id).order_by("-id")


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


def unfinished_rescan_ids() -> list[int]:
    stale = timezone.now() - timedelta(minutes=5)
    return list(
        RescanJob.objects.exclude(state=RescanJob.State.DONE)
        .filter(created_at__lt=stale)
        .values_list("id", flat=True)
    )
