"""Reads of cameos themselves: the owner's, the reference crop, stuck enrolments, and
the cross-app reads (verified ids, owners, table names) other apps use instead of the models."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import timedelta

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from PIL import Image

from cameos.models import Cameo, CameoState
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id


def cameos_owned_by(*, user_id: int) -> QuerySet[Cameo]:
    return Cameo.objects.filter(owner_id=user_id)


def cameo_owned(*, user_id: int, cameo_id: object) -> Cameo:
    """The caller's own cameo, or NotFound (someone else's cameo is not theirs to manage)."""
    pk = parse_id(cameo_id)
    cameo = Cameo.objects.filter(pk=pk, owner_id=user_id).first() if pk else None
    if cameo is None:
        raise NotFound(code="cameo_not_found")
    return cameo


def cameo_reference_image(*, cameo_id: int) -> np.ndarray:
    """The aligned face crop saved at enrolment (HxWx3 uint8 RGB), for compositing."""
    cameo = Cameo.objects.filter(pk=cameo_id, state=CameoState.VERIFIED).only("reference_image").first()
    if cameo is None or not cameo.reference_image:
        raise NotFound(code="cameo_not_found")
    with cameo.reference_image.open("rb") as handle:
        return np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB"))


def cameos_stuck_processing(*, older_than_s: int = 300) -> QuerySet[Cameo, tuple[int, int]]:
    """(id, verify_attempts) of cameos processing for longer than a verification should take."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    return Cameo.objects.filter(state=CameoState.PROCESSING, state_changed_at__lt=cutoff).values_list(
        "id", "verify_attempts"
    )


def verified_cameo_ids(*, cameo_ids: Iterable[int]) -> set[int]:
    """Which of `cameo_ids` are verified cameos; one query."""
    ids = list(cameo_ids)
    if not ids:
        return set()
    return set(Cameo.objects.filter(pk__in=ids, state=CameoState.VERIFIED).values_list("id", flat=True))


def cameo_owners(*, cameo_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """{cameo_id: (owner_id, owner username)} of `cameo_ids`; one query."""
    ids = list(cameo_ids)
    if not ids:
        return {}
    rows = Cameo.objects.filter(pk__in=ids).select_related("owner").only("id", "owner__id", "owner__username")
    return {cameo.pk: (cameo.owner_id, cameo.owner.username) for cameo in rows}


def sql_tables() -> dict[str, str]:
    """Table names for other apps' hand-written SQL (the feed's card query joins the cameo table)."""
    return {"cameo": Cameo._meta.db_table}


def cameo_recording(*, cameo_id: int) -> tuple[int, bytes] | None:
    """(owner id, bytes) of a cameo's enrolment recording (biometric storage), for provenance
    hashing on the worker; None when the cameo or its recording is gone."""
    cameo = Cameo.objects.filter(pk=cameo_id).only("owner_id", "recording").first()
    if cameo is None or not cameo.recording:
        return None
    try:
        with cameo.recording.open("rb") as handle:
            return int(cameo.owner_id), bytes(handle.read())
    except FileNotFoundError:
        return None
