"""Appearance reads: the videos that carry a cameo, and the cameos a video carries."""

from __future__ import annotations

from django.db.models import QuerySet

from cameos.models import Appearance, Cameo


def appearances_of(*, cameo: Cameo) -> QuerySet[Appearance]:
    """Every active appearance of the cameo: cast or detected, anyone's, drafts included."""
    return Appearance.objects.filter(cameo=cameo, state=Appearance.State.ACTIVE)


def cameos_in_object(*, kind: str, object_id: int) -> dict[int, str]:
    """The cameos carried by one generation or post: {cameo_id: source}."""
    rows = Appearance.objects.filter(kind=kind, object_id=object_id, state=Appearance.State.ACTIVE)
    return dict(rows.values_list("cameo_id", "source"))


def objects_with_likeness(*, cameo_id: int, kind: str, object_ids: list[int]) -> set[int]:
    """Which of `object_ids` carry `cameo_id` (active appearance): feed uses it to
    decide which remixes of a removed video go with it."""
    return set(
        Appearance.objects.filter(
            cameo_id=cameo_id, kind=kind, object_id__in=object_ids, state=Appearance.State.ACTIVE
        ).values_list("object_id", flat=True)
    )
