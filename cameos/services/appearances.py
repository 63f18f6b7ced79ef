"""Appearances: which generations and posts carry a cameo (cast or detected), and their removal.

Removing an appearance sends `cameos.signals.appearance_removed` (feed takes the video down).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cameos import signals
from cameos.models import Appearance, Cameo
from cameos.services.notifications import notify_owner
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import parse_id
from sora_social.notifications import kinds as note_kinds


def appearance_record(
    *,
    cameo_id: int,
    kind: str,
    object_id: int,
    source: str,
    score: float | None = None,
    creator_id: int | None = None,
) -> Appearance:
    """Record that a generation or post carries a cameo (cast, or detected in its frames).

    Idempotent per (cameo, kind, object): a later detection of a cast cameo
    keeps `cast` and the closer score. The owner is told (list + WebSocket).
    """
    if kind not in Appearance.Kind.values or source not in Appearance.Source.values:
        raise ValidationFailed("Unknown appearance kind or source.", code="invalid_appearance")
    with transaction.atomic():
        appearance, created = Appearance.objects.select_for_update().get_or_create(
            cameo_id=cameo_id,
            kind=kind,
            object_id=object_id,
            defaults={"source": source, "score": score, "creator_id": creator_id},
        )
        if not created:
            fields = []
            if source == Appearance.Source.CAST and appearance.source != source:
                appearance.source = source
                fields.append("source")
            if score is not None and (appearance.score is None or score < appearance.score):
                appearance.score = score
                fields.append("score")
            if creator_id is not None and appearance.creator_id is None:
                appearance.creator_id = creator_id
                fields.append("creator_id")
            if fields:
                appearance.save(update_fields=fields)
            return appearance
        cameo = Cameo.objects.get(pk=cameo_id)
        if creator_id != cameo.owner_id:
            kind_ = note_kinds.CAMEO_CAST if source == Appearance.Source.CAST else note_kinds.CAMEO_DETECTED
            notify_owner(
                cameo,
                kind_,
                actor_id=creator_id,
                data={"appearance_id": str(appearance.pk), "kind": kind, "object_id": str(object_id)},
            )
        return appearance


def appearance_remove(*, cameo: Cameo, appearance_id: object) -> int:
    """The owner removes one video with their likeness, for everyone (remixes follow via the signal)."""
    pk = parse_id(appearance_id)
    with transaction.atomic():
        rows = Appearance.objects.filter(pk=pk, cameo=cameo, state=Appearance.State.ACTIVE) if pk else None
        if rows is None or not rows.exists():
            raise NotFound(code="appearance_not_found")
        return remove_appearances(cameo_id=cameo.pk, appearances=rows)


def appearances_remove_objects(*, cameo_id: int, kind: str, object_ids: Iterable[int]) -> int:
    """Mark appearances of `cameo_id` in these objects removed, set-based, without signalling.

    For feed's receiver of `appearance_removed`, reporting the remixes it took down with the video.
    """
    return Appearance.objects.filter(
        cameo_id=cameo_id, kind=kind, object_id__in=list(object_ids), state=Appearance.State.ACTIVE
    ).update(state=Appearance.State.REMOVED, removed_at=timezone.now())


def remove_appearances(*, cameo_id: int, appearances: QuerySet[Appearance]) -> int:
    """One UPDATE … RETURNING for the rows, then one signal per kind with every object id."""
    now = timezone.now()
    table = Appearance._meta.db_table
    sql, params = appearances.filter(state=Appearance.State.ACTIVE).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, removed_at = %s WHERE id IN ({sql}) RETURNING kind, object_id",  # noqa: S608
            [Appearance.State.REMOVED, now, *params],
        )
        rows = cursor.fetchall()
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in rows:
        by_kind.setdefault(kind, []).append(object_id)
    for kind, object_ids in by_kind.items():
        signals.appearance_removed.send(
            sender=Appearance, cameo_id=cameo_id, kind=kind, object_ids=object_ids
        )
    return len(rows)
