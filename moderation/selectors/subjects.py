"""Reads about one subject: its stored verdicts and whether moderation left it removed."""

from __future__ import annotations

from django.db.models import QuerySet

from moderation.models import ModerationAction, StoredVerdict
from moderation.signals import HIDE, REMOVE, RESTORE


def subject_is_removed(*, kind: str, object_id: int) -> bool:
    """Whether the latest remove/hide/restore action on a subject left it removed."""
    last = (
        ModerationAction.objects.filter(
            subject_kind=kind, subject_id=object_id, action__in=[REMOVE, HIDE, RESTORE]
        )
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    return last in (REMOVE, HIDE)


def verdicts_for_subject(*, kind: str, object_id: int) -> QuerySet[StoredVerdict]:
    """The subject's stored classifier verdicts, newest first."""
    return StoredVerdict.objects.filter(subject_kind=kind, subject_id=object_id).order_by("-id")
