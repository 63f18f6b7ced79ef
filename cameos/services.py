"""Writes of the cameos app: one function per state change (`<entity>_<action>`, keyword-only).

The contract other apps call:

- `detect_likeness(frames=..., subject=None)` → `LikenessReport` (generation's output check);
- `face_detect(image=...)` → faces (generation refuses photos of real people);
- `appearance_record(cameo_id=..., kind=..., object_id=..., source=..., score=None, creator_id=None)`;
- `appearances_remove_objects(cameo_id=..., kind=..., object_ids=...)` (feed reports remixes it removed).

Decisions that higher apps must act on are sent as the signals in
`cameos.signals`, inside the deciding transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cameos import registry, signals
from cameos import rules as cameo_rules
from cameos.enrolment import RecordingError, new_challenge, probe
from cameos.models import (
    Appearance,
    Audience,
    Cameo,
    CameoAccess,
    CameoNotification,
    CameoRequest,
    CameoState,
    CameoUseApproval,
    EmbeddingPool,
    PublicFigure,
    SubjectKind,
)
from cameos.models.cameo import AUDIENCE_ORDER, LIVE_STATES, TRANSITIONS, narrowest
from sora_social.common.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.ids import parse_id
from sora_social.common.tasks import enqueue_on_commit

RECORDING_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"}


# --- state machine ---------------------------------------------------------


def cameo_transition(*, cameo_id: int, to: str, **fields: Any) -> Cameo:
    """Move a cameo to `to` under a row lock, refusing illegal transitions."""
    with transaction.atomic():
        cameo = Cameo.objects.select_for_update().get(pk=cameo_id)
        if to not in TRANSITIONS[cameo.state]:
            raise Conflict(f"A cameo cannot go from {cameo.state} to {to}.", code="illegal_transition")
        cameo.state = to
        cameo.state_changed_at = timezone.now()
        for name, value in fields.items():
            setattr(cameo, name, value)
        cameo.save(update_fields=["state", "state_changed_at", *fields])
        return cameo


# --- enrolment -------------------------------------------------------------


def _audience_cap(owner: Any) -> str:
    """The widest audience the owner may choose: teens are capped by their parent's control."""
    from sora_social.accounts.selectors import teen_controls

    controls = teen_controls(user_id=owner.pk) if owner.is_teen else None
    if controls is None:
        return Audience.EVERYONE
    return controls.cameo_audience_max if controls.cameo_audience_max in AUDIENCE_ORDER else Audience.ONLY_ME


@transaction.atomic
def cameo_create(*, owner: Any) -> Cameo:
    """Start an enrolment: a new cameo awaiting its recording, with a fresh challenge."""
    if Cameo.objects.select_for_update().filter(owner=owner, state__in=LIVE_STATES).exists():
        raise Conflict("You already have a cameo; delete it to enrol again.", code="cameo_exists")
    # Teens start private; adults start with "people I approve".
    audience = Audience.ONLY_ME if owner.is_teen else Audience.APPROVED
    challenge = new_challenge() | {"issued_at": timezone.now().isoformat()}
    return Cameo.objects.create(owner=owner, audience=audience, challenge=challenge)


def cameo_attach_recording(*, cameo: Cameo, upload: UploadedFile) -> Cameo:
    """Validate the recording (type, size, decodable video with audio) and queue its verification."""

    if cameo.state != CameoState.AWAITING_RECORDING:
        raise Conflict("This cameo is not waiting for a recording.", code="cameo_not_awaiting_recording")
    issued = cameo.created_at
    if timezone.now() - issued > timedelta(seconds=settings.CAMEOS_CHALLENGE_TTL_S):
        raise ApplicationError(
            "The challenge has expired; start a new cameo.", code="challenge_expired", status=410
        )
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in RECORDING_TYPES:
        raise ValidationFailed(
            "The recording must be a video (MP4, QuickTime, WebM or Matroska).",
            code="unsupported_media_type",
            details={"content_type": content_type},
        )
    if upload.size is None or upload.size > settings.CAMEOS_RECORDING_MAX_BYTES:
        raise ApplicationError(
            "The recording is too large.",
            code="recording_too_large",
            status=413,
            details={"max_bytes": settings.CAMEOS_RECORDING_MAX_BYTES},
        )
    data = upload.read()
    try:
        probe(data)
    except RecordingError as exc:
        raise ValidationFailed(str(exc), code=f"recording_{exc.code}") from exc
    with transaction.atomic():
        locked = Cameo.objects.select_for_update().get(pk=cameo.pk)
        if locked.state != CameoState.AWAITING_RECORDING:
            raise Conflict("This cameo is not waiting for a recording.", code="cameo_not_awaiting_recording")
        if locked.recording:
            locked.recording.delete(save=False)
        locked.recording.save(f"recording{_extension(upload.name)}", ContentFile(data), save=False)
        locked.save(update_fields=["recording"])
        cameo = cameo_transition(cameo_id=locked.pk, to=CameoState.PROCESSING)
        enqueue_on_commit("cameos.verify_recording", cameo_id=cameo.pk)
    return cameo


def _extension(name: str | None) -> str:
    if not name or "." not in name:
        return ".mp4"
    ext = name[name.rfind(".") :].lower()
    return ext if ext in {".mp4", ".mov", ".webm", ".mkv"} else ".mp4"


# Serialises the "is this face already enrolled?" search with the insert that
# follows it, so two accounts enrolling the same face at once cannot both pass.
_ENROL_LOCK = 0x63616D656F  # "cameo"


def cameo_process_recording(*, cameo_id: int) -> Cameo | None:
    """The worker step: judge the recording, then verify or reject. Idempotent per state."""
    from cameos.enrolment import decode, judge
    from cameos.faces import get_backend

    cameo = Cameo.objects.filter(pk=cameo_id).first()
    if cameo is None or cameo.state != CameoState.PROCESSING:
        return cameo
    if not cameo_verify_attempt_start(cameo_id=cameo_id):
        return Cameo.objects.filter(pk=cameo_id).first()
    backend = get_backend()
    with cameo.recording.open("rb") as handle:
        data = handle.read()
    verdict = None
    try:
        verdict = judge(decode(data), cameo.challenge)
        reasons = list(verdict.reasons)
    except RecordingError as exc:
        # Over a budget (too long, too many frames, too large, too slow), measured while decoding.
        reasons = [exc.code]
    except Exception:
        # A recording that passed the upload's header checks but cannot be decoded.
        reasons = ["undecodable"]

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ENROL_LOCK])
        cameo = Cameo.objects.select_for_update().get(pk=cameo_id)
        if cameo.state != CameoState.PROCESSING:
            return cameo
        if verdict is not None and verdict.embeddings:
            reasons += _registry_reasons(cameo, verdict.embeddings, backend)
        if reasons:
            cameo = cameo_transition(cameo_id=cameo.pk, to=CameoState.REJECTED, reasons=sorted(set(reasons)))
            _notify(cameo, CameoNotification.Kind.REJECTED, data={"reasons": member_reasons(cameo.reasons)})
            return cameo
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
        _notify(cameo, CameoNotification.Kind.VERIFIED)
        _find_earlier_outputs(cameo, verdict.embeddings, backend)
    return cameo


# Reasons that would tell the uploader something about another member: that the
# face they recorded is already someone's verified cameo. The uploader sees a
# generic failure; moderators see the stored reason (admin, `Cameo.reasons`).
PRIVATE_REASONS = frozenset({"already_enrolled"})
GENERIC_REASON = "verification_failed"


def member_reasons(reasons: list[str]) -> list[str]:
    """The rejection reasons as the uploader may see them."""
    shown = {GENERIC_REASON if r in PRIVATE_REASONS else r for r in reasons}
    return sorted(shown)


def _registry_reasons(cameo: Cameo, embeddings: list[np.ndarray], backend: Any) -> list[str]:
    reasons: set[str] = set()
    for vector in _spread(embeddings, backend):
        for hit in registry.nearest(
            embedding_model=backend.embedding_model,
            pool=EmbeddingPool.REGISTRY,
            vector=vector,
            max_distance=backend.match_distance,
            exclude=(SubjectKind.CAMEO, cameo.pk),
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
        for hit in registry.nearest(
            embedding_model=backend.embedding_model,
            pool=EmbeddingPool.OUTPUT,
            vector=vector,
            max_distance=backend.match_distance,
            limit=50,
        ):
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
    from PIL import Image

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
    from cameos.selectors import cameos_stuck_processing

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
        cameo = cameo_transition(cameo_id=cameo_id, to=CameoState.REJECTED, reasons=["processing_failed"])
        _notify(cameo, CameoNotification.Kind.REJECTED, data={"reasons": member_reasons(cameo.reasons)})


# --- settings, deletion ----------------------------------------------------


@transaction.atomic
def cameo_update(
    *,
    cameo: Cameo,
    audience: str | None = None,
    rules: str | None = None,
    restrictions: list[str] | None = None,
) -> Cameo:
    cameo = Cameo.objects.select_for_update().select_related("owner").get(pk=cameo.pk)
    fields = []
    if audience is not None:
        if audience not in AUDIENCE_ORDER:
            raise ValidationFailed("Unknown audience.", code="invalid_audience")
        cap = _audience_cap(cameo.owner)
        if narrowest(audience, cap) != audience:
            raise ApplicationError(
                "A parental control limits who may use this cameo.",
                code="audience_restricted",
                status=403,
                details={"max": cap},
            )
        cameo.audience = audience
        fields.append("audience")
    if rules is not None:
        cameo.rules = rules.strip()
        fields.append("rules")
    if restrictions is not None:
        unknown = sorted(set(restrictions) - set(cameo_rules.RESTRICTION_CODES))
        if unknown:
            raise ValidationFailed(
                "Unknown restrictions.",
                code="invalid_restrictions",
                details={"restrictions": unknown, "allowed": list(cameo_rules.RESTRICTION_CODES)},
            )
        cameo.restrictions = [c for c in cameo_rules.RESTRICTION_CODES if c in set(restrictions)]
        fields.append("restrictions")
    if fields:
        cameo.save(update_fields=fields)
    return cameo


def cameo_delete(*, cameo: Cameo) -> None:
    """Delete a cameo: every appearance removed (signalled), face data and recordings erased."""
    with transaction.atomic():
        cameo = Cameo.objects.select_for_update().get(pk=cameo.pk)
        _remove_appearances(cameo_id=cameo.pk, appearances=Appearance.objects.filter(cameo_id=cameo.pk))
        signals.cameo_deleted.send(sender=Cameo, cameo_id=cameo.pk)
        registry.erase(subject_kind=SubjectKind.CAMEO, subject_ids=[cameo.pk])
        files = [f.name for f in (cameo.recording, cameo.reference_image) if f]
        storage = cameo.recording.storage
        cameo.delete()
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: [storage.delete(name) for name in files])


def cameos_delete_for_account(*, user_id: int) -> int:
    """A member deleted their account: each of their cameos is deleted (appearances removed,
    face data and recordings erased), and the grants and requests they held on others' cameos end.

    Receiver side of `sora_social.accounts.signals.account_deleted`, inside its
    transaction. Returns how many cameos were deleted.
    """
    with transaction.atomic():
        cameos = list(Cameo.objects.select_for_update().filter(owner_id=user_id).order_by("id"))
        for cameo in cameos:
            cameo_delete(cameo=cameo)
        CameoAccess.objects.filter(user_id=user_id).delete()
        CameoRequest.objects.filter(requester_id=user_id).delete()
    return len(cameos)


# --- consent ---------------------------------------------------------------


def _verified(cameo: Cameo) -> None:
    if cameo.state != CameoState.VERIFIED:
        raise Conflict("This cameo is not verified.", code="cameo_not_verified")


@transaction.atomic
def cameo_request_create(*, cameo: Cameo, requester: Any, message: str = "") -> CameoRequest:
    _verified(cameo)
    if cameo.owner_id == requester.pk:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    from cameos.selectors import may_cast

    if may_cast(user_id=requester.pk, cameo_id=cameo.pk):
        raise Conflict("You may already use this cameo.", code="already_allowed")
    pending = CameoRequest.objects.filter(cameo=cameo, requester=requester, state=CameoRequest.State.PENDING)
    if pending.exists():
        raise Conflict("You have already asked.", code="request_pending")
    request = CameoRequest.objects.create(cameo=cameo, requester=requester, message=message.strip())
    _notify(
        cameo,
        CameoNotification.Kind.REQUESTED,
        actor_id=requester.pk,
        data={"request_id": str(request.pk), "message": request.message},
    )
    return request


@transaction.atomic
def cameo_request_decide(*, owner_id: int, request_id: object, approve: bool) -> CameoRequest:
    pk = parse_id(request_id)
    request = (
        CameoRequest.objects.select_for_update().filter(pk=pk, cameo__owner_id=owner_id).first()
        if pk
        else None
    )
    if request is None:
        raise NotFound(code="request_not_found")
    if request.state != CameoRequest.State.PENDING:
        raise Conflict("This request was already decided.", code="request_decided")
    request.state = CameoRequest.State.APPROVED if approve else CameoRequest.State.DENIED
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "decided_at"])
    if approve:
        cameo_grant(cameo=request.cameo, user_id=request.requester_id)
    send_user_event_on_commit(
        request.requester_id,
        {
            "type": "cameo.request_decided",
            "id": str(request.pk),
            "cameo_id": str(request.cameo_id),
            "state": request.state,
        },
    )
    return request


@transaction.atomic
def cameo_grant(*, cameo: Cameo, user_id: int) -> CameoAccess:
    """Let one member use the cameo (also lifts an earlier revocation)."""
    cameo = Cameo.objects.select_for_update().get(pk=cameo.pk)
    _verified(cameo)
    if user_id == cameo.owner_id:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
        raise NotFound(code="user_not_found")
    access, _ = CameoAccess.objects.update_or_create(
        cameo=cameo, user_id=user_id, defaults={"state": CameoAccess.State.GRANTED}
    )
    return access


@transaction.atomic
def cameo_revoke(*, cameo: Cameo, user_id: int) -> CameoAccess:
    """Shut one member out, whatever the audience; their jobs and drafts with the cameo stop.

    The cameo row is locked FOR UPDATE first: a generation accepting a cast
    holds it FOR KEY SHARE (`may_cast(lock=True)`), so any job accepted before
    this point is committed and visible to the signal's receivers.
    """
    cameo = Cameo.objects.select_for_update().get(pk=cameo.pk)
    if user_id == cameo.owner_id:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    access, _ = CameoAccess.objects.update_or_create(
        cameo=cameo, user_id=user_id, defaults={"state": CameoAccess.State.REVOKED}
    )
    CameoRequest.objects.filter(cameo=cameo, requester_id=user_id, state=CameoRequest.State.PENDING).update(
        state=CameoRequest.State.DENIED, decided_at=timezone.now()
    )
    signals.cameo_access_revoked.send(sender=Cameo, cameo_id=cameo.pk, user_id=user_id)
    return access


def cameo_access_end_for_block(*, blocker_id: int, blocked_id: int) -> list[int]:
    """A block ends consent both ways: grants and pending requests between the two go,
    and each owner's cameo is reported revoked for the other (their jobs and drafts stop).

    Receiver of `sora_social.accounts.signals.user_blocked`, inside the blocking
    transaction. The block itself already makes `may_cast` false; grants are
    deleted (not turned into revocations) so an unblock does not silently
    restore them: the person must ask again.
    """
    pairs = [(blocker_id, blocked_id), (blocked_id, blocker_id)]
    affected: list[int] = []
    for owner_id, other_id in pairs:
        cameo_ids = list(
            Cameo.objects.select_for_update().filter(owner_id=owner_id).values_list("id", flat=True)
        )
        if not cameo_ids:
            continue
        CameoAccess.objects.filter(
            cameo_id__in=cameo_ids, user_id=other_id, state=CameoAccess.State.GRANTED
        ).delete()
        CameoRequest.objects.filter(
            cameo_id__in=cameo_ids, requester_id=other_id, state=CameoRequest.State.PENDING
        ).update(state=CameoRequest.State.DENIED, decided_at=timezone.now())
        for cameo_id in cameo_ids:
            signals.cameo_access_revoked.send(sender=Cameo, cameo_id=cameo_id, user_id=other_id)
            affected.append(cameo_id)
    return affected


# --- appearances -----------------------------------------------------------


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
            kind_ = (
                CameoNotification.Kind.CAST
                if source == Appearance.Source.CAST
                else CameoNotification.Kind.DETECTED
            )
            _notify(
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
        return _remove_appearances(cameo_id=cameo.pk, appearances=rows)


def appearances_remove_objects(*, cameo_id: int, kind: str, object_ids: Iterable[int]) -> int:
    """Mark appearances of `cameo_id` in these objects removed, set-based, without signalling.

    For feed's receiver of `appearance_removed`, reporting the remixes it took down with the video.
    """
    return Appearance.objects.filter(
        cameo_id=cameo_id, kind=kind, object_id__in=list(object_ids), state=Appearance.State.ACTIVE
    ).update(state=Appearance.State.REMOVED, removed_at=timezone.now())


def _remove_appearances(*, cameo_id: int, appearances: Any) -> int:
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


# --- likeness (generation's contract) --------------------------------------


def detect_likeness(*, frames: list[np.ndarray], subject: tuple[str, int] | None = None) -> Any:
    """Which verified cameos and protected public figures appear in `frames` (HxWx3 uint8 RGB).

    With `subject` ("generation" | "post", id) the output's face embeddings are
    kept, so a person who enrols later finds this video. Returns a
    `cameos.likeness.LikenessReport` (`.cameos`, `.public_figures`: the best
    match per subject with distance, score, frame and box).
    """
    from cameos.likeness import analyse_frames

    if subject is not None and subject[0] not in (SubjectKind.GENERATION, SubjectKind.POST):
        raise ValueError("subject kind must be 'generation' or 'post'")
    with transaction.atomic():
        return analyse_frames(frames, store_as=subject)


def face_detect(*, image: np.ndarray) -> list[Any]:
    """Faces in one image (boxes, landmarks, scores), largest first."""
    from cameos.likeness import detect_faces

    return detect_faces(image)


def output_faces_erase(*, kind: str, object_ids: Iterable[int]) -> int:
    """Forget the stored output faces of deleted generations or posts."""
    return registry.erase(subject_kind=kind, subject_ids=object_ids)


# --- public figures --------------------------------------------------------


@transaction.atomic
def public_figure_add(
    *, name: str, photo: UploadedFile | ContentFile, figure: PublicFigure | None = None
) -> PublicFigure:
    """Add (or re-embed) a protected public figure from a photo with exactly one clear face."""
    from PIL import Image, UnidentifiedImageError

    from cameos.faces import get_backend

    photo.seek(0)
    data = photo.read()
    try:
        image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationFailed("The photo could not be read.", code="invalid_photo") from exc
    backend = get_backend()
    faces = backend.detect(image)
    if len(faces) != 1:
        raise ValidationFailed(
            "The photo must show exactly one face.",
            code="photo_needs_one_face",
            details={"faces": len(faces)},
        )
    figure = figure or PublicFigure(name=name)
    previous = (
        None
        if figure._state.adding
        else PublicFigure.objects.filter(pk=figure.pk).values_list("photo", flat=True).first()
    )
    figure.name = name
    figure.embedding_model = backend.embedding_model
    figure.photo.save(f"photo{_photo_ext(getattr(photo, 'name', ''))}", ContentFile(data), save=False)
    figure.save()
    if previous and previous != figure.photo.name:
        storage = figure.photo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    registry.erase(subject_kind=SubjectKind.PUBLIC_FIGURE, subject_ids=[figure.pk])
    if figure.active:
        registry.store(
            embedding_model=backend.embedding_model,
            pool=EmbeddingPool.REGISTRY,
            subject_kind=SubjectKind.PUBLIC_FIGURE,
            subject_id=figure.pk,
            vectors=[backend.embed(image, faces[0])],
        )
    return figure


def _photo_ext(name: str | None) -> str:
    ext = name[name.rfind(".") :].lower() if name and "." in name else ".jpg"
    return ext if ext in {".jpg", ".jpeg", ".png", ".webp"} else ".jpg"


@transaction.atomic
def public_figure_delete(*, figure: PublicFigure) -> None:
    registry.erase(subject_kind=SubjectKind.PUBLIC_FIGURE, subject_ids=[figure.pk])
    name, storage = figure.photo.name, figure.photo.storage
    figure.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- owner rules -------------------------------------------------------------


def cast_rules_check(
    *, user_id: int, cameo_ids: list[int], prompt: str, with_models: bool
) -> list[cameo_rules.Violation]:
    """The owner rules of a cast that `prompt` breaks (the requester's own cameo excepted).

    `with_models=False` (web tier, at submit) checks words only; `True` (the
    workers that run the prompt checks) adds the moderation classifiers'
    scores at each cameo's thresholds and the free-text similarity.
    """
    from cameos.selectors import cast_rules

    ruled = cast_rules(user_id=user_id, cameo_ids=cameo_ids)
    if not ruled:
        return []
    scores: dict[str, float] | None = None
    embed = None
    if with_models:
        from moderation.services import prompt_scores, text_embedder

        if any(restrictions for _, _, restrictions, _ in ruled):
            scores = prompt_scores(text=prompt)
        if any(text for _, _, _, text in ruled):
            embed = text_embedder()
    found: list[cameo_rules.Violation] = []
    for cameo_id, _owner, restrictions, text in ruled:
        found += cameo_rules.check(
            cameo_id=cameo_id,
            restrictions=restrictions,
            rules=text,
            prompt=prompt,
            scores=scores,
            embed=embed,
        )
    return found


def approval_missing(*, user_id: int, cameo_ids: list[int], kind: str, object_id: int) -> list[int]:
    """Cast cameos whose owner asks to approve every use and has not approved this one."""
    from cameos.selectors import cast_rules, use_approvals_for

    needing = [
        c for c, _o, restrictions, _t in cast_rules(user_id=user_id, cameo_ids=cameo_ids)
        if cameo_rules.APPROVAL_REQUIRED in restrictions
    ]  # fmt: skip
    if not needing:
        return []
    decided = use_approvals_for(kind=kind, object_id=object_id)
    return [c for c in needing if decided.get(c) != CameoUseApproval.State.APPROVED]


# Repeated attempts by one member against one rule tell the owner once per window.
RULE_NOTICE_WINDOW = timedelta(minutes=10)


def rule_attempts_record(
    *, violations: list[cameo_rules.Violation], actor_id: int, prompt: str, stage: str
) -> int:
    """Tell each owner that someone tried to use their cameo against their rules (refused).

    The owner sees who, which rule and the prompt: it is their likeness. One
    notice per (cameo, member, rule) per `RULE_NOTICE_WINDOW`, so a member
    retrying cannot flood the owner. Returns how many notices were stored.
    """
    stored = 0
    since = timezone.now() - RULE_NOTICE_WINDOW
    with transaction.atomic():
        for violation in violations:
            recent = CameoNotification.objects.filter(
                cameo_id=violation.cameo_id,
                kind=CameoNotification.Kind.RULE_BLOCKED,
                actor_id=actor_id,
                data__rule=violation.rule,
                created_at__gte=since,
            )
            if recent.exists():
                continue
            cameo = Cameo.objects.filter(pk=violation.cameo_id).first()
            if cameo is None:
                continue
            _notify(
                cameo,
                CameoNotification.Kind.RULE_BLOCKED,
                actor_id=actor_id,
                data={**violation.as_details(), "prompt": prompt[:500], "stage": stage},
            )
            stored += 1
    return stored


@transaction.atomic
def use_approvals_request(
    *, cameo_ids: list[int], requester_id: int, kind: str, object_id: int, prompt: str
) -> list[CameoUseApproval]:
    """Ask each owner to approve this one use (idempotent per cameo and object)."""
    made = []
    for cameo in Cameo.objects.filter(pk__in=cameo_ids):
        approval, created = CameoUseApproval.objects.get_or_create(
            cameo=cameo,
            kind=kind,
            object_id=object_id,
            defaults={"requester_id": requester_id, "prompt": prompt[:1000]},
        )
        if created:
            _notify(
                cameo,
                CameoNotification.Kind.APPROVAL,
                actor_id=requester_id,
                data={
                    "approval_id": str(approval.pk),
                    "kind": kind,
                    "object_id": str(object_id),
                    "prompt": prompt[:500],
                },
            )
        made.append(approval)
    return made


@transaction.atomic
def use_approval_decide(*, owner_id: int, approval_id: object, approve: bool) -> CameoUseApproval:
    """The owner approves or denies one pending use; generation hears it (`cameo_use_decided`)."""
    pk = parse_id(approval_id)
    approval = (
        CameoUseApproval.objects.select_for_update().filter(pk=pk, cameo__owner_id=owner_id).first()
        if pk
        else None
    )
    if approval is None:
        raise NotFound(code="approval_not_found")
    if approval.state != CameoUseApproval.State.PENDING:
        raise Conflict("This use was already decided.", code="approval_decided")
    approval.state = CameoUseApproval.State.APPROVED if approve else CameoUseApproval.State.DENIED
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decided_at"])
    signals.cameo_use_decided.send(
        sender=Cameo,
        cameo_id=approval.cameo_id,
        kind=approval.kind,
        object_id=approval.object_id,
        approved=approve,
    )
    return approval


# --- notifications ---------------------------------------------------------


def _notify(
    cameo: Cameo, kind: str, *, actor_id: int | None = None, data: dict | None = None
) -> CameoNotification:
    """Store a notification for the owner and push it over the WebSocket after commit."""
    note = CameoNotification.objects.create(
        recipient_id=cameo.owner_id, cameo=cameo, kind=kind, actor_id=actor_id, data=data or {}
    )
    payload = {
        "type": f"cameo.{kind}",
        "id": str(note.pk),
        "cameo_id": str(cameo.pk),
        "state": cameo.state,
        "actor_id": str(actor_id) if actor_id else None,
        **(data or {}),
    }
    send_user_event_on_commit(cameo.owner_id, payload)
    return note


@transaction.atomic
def notifications_mark_read(*, user_id: int, up_to_id: int | None = None) -> int:
    qs = CameoNotification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    if up_to_id:
        qs = qs.filter(id__lte=up_to_id)
    return qs.update(read_at=timezone.now())


# --- biometric access audit -------------------------------------------------


def biometric_access_record(*, actor: Any, obj: Cameo | PublicFigure, field: str, ip: str | None) -> None:
    """Write the audit row for one staff view of a biometric file (before the bytes go out)."""
    from cameos.models import BiometricAccess

    is_cameo = isinstance(obj, Cameo)
    BiometricAccess.objects.create(
        actor_id=actor.pk,
        subject_kind=BiometricAccess.Subject.CAMEO if is_cameo else BiometricAccess.Subject.PUBLIC_FIGURE,
        subject_id=obj.pk,
        owner_id=obj.owner_id if is_cameo else None,
        field=field,
        ip=ip or None,
    )
