"""Verification: the worker judges a recording, then verifies or rejects the cameo.

Also the attempt counting and the reconciler that re-sends stuck verifications.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from cameos import registry
from cameos.enrolment import RecordingError, Verdict, decode, judge
from cameos.faces import get_backend
from cameos.models import Appearance, Cameo, CameoState, EmbeddingPool, SubjectKind
from cameos.presenters import member_reasons
from cameos.selectors import cameos_stuck_processing
from cameos.services.appearances import appearance_record
from cameos.services.enrolment import cameo_transition
from cameos.services.notifications import notify_owner
from sora_social.common.tasks import enqueue_on_commit
from sora_social.notifications import kinds as note_kinds

# Serialises the "is this face already enrolled?" search with the insert that
# follows it, so two accounts enrolling the same face at once cannot both pass.
_ENROL_LOCK = 0x63616D656F  # "cameo"


def cameo_process_recording(*, cameo_id: int) -> Cameo | None:
    """The worker step: judge the recording, then verify or reject. Idempotent per state."""
    cameo = Cameo.objects.filter(pk=cameo_id).first()
    if cameo is None or cameo.state != CameoState.PROCESSING:
        return cameo
    if not cameo_verify_attempt_start(cameo_id=cameo_id):
        return Cameo.objects.filter(pk=cameo_id).first()
    backend = get_backend()
    verdict, reasons = _judge_recording(cameo)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ENROL_LOCK])
        cameo = Cameo.objects.select_for_update().get(pk=cameo_id)
        if cameo.state != CameoState.PROCESSING:
            return cameo
        if verdict is not None and verdict.embeddings:
            reasons += _registry_reasons(cameo, verdict.embeddings, backend)
        if reasons or verdict is None:
            return _reject(cameo_id=cameo.pk, reasons=reasons)
        return _verify(cameo, verdict, backend)


def _judge_recording(cameo: Cameo) -> tuple[Verdict | None, list[str]]:
    """Decode and judge the stored recording: the verdict (None when it could not be judged) and its reasons."""
    with cameo.recording.open("rb") as handle:
        data = handle.read()
    try:
        verdict = judge(decode(data), cameo.challenge)
    except RecordingError as exc:
        # Over a budget (too long, too many frames, too large, too slow), measured while decoding.
        return None, [exc.code]
    except Exception:
        # A recording that passed the upload's header checks but cannot be decoded.
        return None, ["undecodable"]
    return verdict, list(verdict.reasons)


def _reject(*, cameo_id: int, reasons: list[str]) -> Cameo:
    """Reject the (locked, processing) cameo with `reasons` and tell the owner what they may see."""
    cameo = cameo_transition(cameo_id=cameo_id, to=CameoState.REJECTED, reasons=sorted(set(reasons)))
    notify_owner(cameo, note_kinds.CAMEO_REJECTED, data={"reasons": member_reasons(cameo.reasons)})
    return cameo


def _verify(cameo: Cameo, verdict: Verdict, backend: Any) -> Cameo:
    """Store the face in the registry and the reference crop, verify, and find earlier videos with it."""
    registry.store(
        embedding_model=backend.embedding_model,
        pool=EmbeddingPool.REGISTRY,
        subject_kind=SubjectKind.CAMEO,
        subject_id=cameo.pk,
        vectors=_spread(verdict.embeddings, backend),
    )
    cameo.reference_image.save("reference.png", ContentFile(_png(verdict.reference)), save=False)
    cameo = cameo_transition(
        cameo_id=cameo.pk,
        to=CameoState.VERIFIED,
        reasons=[],
        verified_at=timezone.now(),
        embedding_model=backend.embedding_model,
        reference_image=cameo.reference_image.name,
    )
    notify_owner(cameo, note_kinds.CAMEO_VERIFIED)
    _find_earlier_outputs(cameo, verdict.embeddings, backend)
    return cameo


def _registry_reasons(cameo: Cameo, embeddings: list[np.ndarray], backend: Any) -> list[str]:
    reasons: set[str] = set()
    for vector in _spread(embeddings, backend):
        for hit in registry.matches(
            backend, pool=EmbeddingPool.REGISTRY, vector=vector, exclude=(SubjectKind.CAMEO, cameo.pk)
        ):
            if hit.subject_kind == SubjectKind.PUBLIC_FIGURE:
                reasons.add("public_figure")
            elif hit.subject_kind == SubjectKind.CAMEO:
                reasons.add("already_enrolled")
    return sorted(reasons)


def _spread(embeddings: list[np.ndarray], backend: Any, keep: int = 5) -> list[np.ndarray]:
    """A few embeddings covering the recording's poses (farthest-point sampling), not every frame."""
    chosen = [embeddings[0]]
    while len(chosen) < min(keep, len(embeddings)):
        far = max(embeddings, key=lambda e: min(backend.distance(e, c) for c in chosen))
        if min(backend.distance(far, c) for c in chosen) == 0:
            break
        chosen.append(far)
    return chosen


def _find_earlier_outputs(cameo: Cameo, embeddings: list[np.ndarray], backend: Any) -> None:
    """Videos made before this person enrolled that already carry their face."""
    found: dict[tuple[str, int], float] = {}
    for vector in _spread(embeddings, backend):
        for hit in registry.matches(backend, pool=EmbeddingPool.OUTPUT, vector=vector, limit=50):
            key = (hit.subject_kind, hit.subject_id)
            found[key] = min(found.get(key, hit.distance), hit.distance)
    for (kind, object_id), distance in found.items():
        appearance_record(
            cameo_id=cameo.pk,
            kind=kind,
            object_id=object_id,
            source=Appearance.Source.DETECTED,
            score=distance,
        )


def _png(image: np.ndarray | None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def cameo_verify_attempt_start(*, cameo_id: int) -> bool:
    """Count one verification run, committed before any decoding starts.

    False when the cameo is no longer processing, or when its attempts are spent:
    then it is rejected as `processing_failed` and the owner told, so a recording
    that kills or stalls every worker does not come back forever.
    """
    with transaction.atomic():
        cameo = Cameo.objects.select_for_update().filter(pk=cameo_id).first()
        if cameo is None or cameo.state != CameoState.PROCESSING:
            return False
        if cameo.verify_attempts >= settings.CAMEOS_VERIFY_MAX_ATTEMPTS:
            cameo_mark_failed(cameo_id=cameo_id)
            return False
        Cameo.objects.filter(pk=cameo_id).update(verify_attempts=F("verify_attempts") + 1)
        return True


def cameos_reconcile_processing(*, older_than_s: int = 300) -> dict[str, int]:
    """Re-send verification for cameos stuck processing; reject those whose attempts are spent."""
    resent = failed = 0
    for cameo_id, attempts in cameos_stuck_processing(older_than_s=older_than_s):
        if attempts >= settings.CAMEOS_VERIFY_MAX_ATTEMPTS:
            cameo_mark_failed(cameo_id=cameo_id)
            failed += 1
        else:
            enqueue_on_commit("cameos.verify_recording", cameo_id=cameo_id)
            resent += 1
    return {"resent": resent, "failed": failed}


def cameo_mark_failed(*, cameo_id: int) -> None:
    """A verification task that gave up: reject rather than leave the cameo processing."""
    with transaction.atomic():
        cameo = Cameo.objects.select_for_update().filter(pk=cameo_id).first()
        if cameo is None or cameo.state != CameoState.PROCESSING:
            return
        _reject(cameo_id=cameo_id, reasons=["processing_failed"])
