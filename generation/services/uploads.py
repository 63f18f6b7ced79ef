"""Uploaded stills for image-to-video: header checks in the request, the full decode in a worker.

`upload_create` stores a still `pending` after checking its header only;
`upload_decode` (worker) decodes it within budget and settles it with
`upload_mark` (`ready`, or `rejected` with its file deleted); the reconciler
re-sends stuck decodes through `uploads_reconcile`.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from generation import images, screens
from generation.models import ImageUpload
from generation.presenters import upload_event
from sora_social.accounts.models import User
from sora_social.common.errors import ApplicationError, ValidationFailed
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.storage import PRIVATE, new_name
from sora_social.common.tasks import enqueue_on_commit

# Status of each header error (the rest are 400).
_HEADER_ERROR_STATUS = {"unsupported_image_type": 415}


def upload_create(*, user: User, file: Any) -> ImageUpload:
    """Validate a still for image-to-video from its header (type, size, dimensions, pixel budget),
    store it `pending` and send it to a worker to decode. Nothing is decoded in the request."""
    limit = settings.GENERATION_UPLOAD_MAX_BYTES
    if file is None:
        raise ValidationFailed(details={"file": "Send the image as multipart field `file`."})
    if getattr(file, "size", 0) > limit:
        raise ApplicationError("The image is too large.", code="upload_too_large", status=413)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError("The image is too large.", code="upload_too_large", status=413)
    if not data:
        raise ValidationFailed("The file is empty.", code="corrupt_image")
    try:
        header = images.probe(data)
    except images.ImageError as exc:
        raise ApplicationError(
            exc.message,
            code=exc.code,
            status=_HEADER_ERROR_STATUS.get(exc.code, 400),
            details=exc.details or None,
        ) from None

    content_type, ext = images.IMAGE_TYPES[header.format]
    digest = hashlib.sha256(data).hexdigest()
    upload = ImageUpload(
        user_id=user.id,
        content_type=content_type,
        width=header.width,
        height=header.height,
        size_bytes=len(data),
        sha256=digest,
        state=ImageUpload.State.PENDING,
    )
    name = default_storage.save(new_name(PRIVATE, f"upload.{ext}"), ContentFile(data))
    try:
        with transaction.atomic():
            upload.file = name
            upload.save()
            enqueue_on_commit("generation.decode_upload", upload_id=upload.id)
    except Exception:
        default_storage.delete(name)
        raise
    return upload


def upload_decode_attempt_start(*, upload_id: int) -> bool:
    """Count one decode attempt, committed before any decoding starts.

    False when the upload is no longer pending, or when its attempts are spent:
    then it is rejected as `processing_failed`, so an image that kills or stalls
    every worker does not come back forever.
    """
    with transaction.atomic():
        upload = ImageUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None or upload.state != ImageUpload.State.PENDING:
            return False
        if upload.decode_attempts >= settings.GENERATION_UPLOAD_MAX_ATTEMPTS:
            upload_mark(upload_id=upload_id, state=ImageUpload.State.REJECTED, reason="processing_failed")
            return False
        ImageUpload.objects.filter(pk=upload_id).update(
            decode_attempts=F("decode_attempts") + 1, attempted_at=timezone.now()
        )
        return True


def upload_decode(*, upload_id: int) -> ImageUpload | None:
    """Worker step: decode the stored image in full, within budget; mark it `ready` or `rejected`."""
    if upload_decode_attempt_start(upload_id=upload_id):
        upload = ImageUpload.objects.get(pk=upload_id)
        try:
            with default_storage.open(upload.file, "rb") as handle:
                data = handle.read(settings.GENERATION_UPLOAD_MAX_BYTES + 1)
            images.decode(data)
        except images.ImageError as exc:
            upload_mark(upload_id=upload_id, state=ImageUpload.State.REJECTED, reason=exc.code)
        except FileNotFoundError:
            upload_mark(upload_id=upload_id, state=ImageUpload.State.REJECTED, reason="processing_failed")
        else:
            # Other apps' screens (provenance's hash banks) before the still becomes usable.
            reason = screens.screen_upload(upload_id=upload_id, user_id=upload.user_id, data=data)
            if reason:
                upload_mark(upload_id=upload_id, state=ImageUpload.State.REJECTED, reason=reason)
            else:
                upload_mark(upload_id=upload_id, state=ImageUpload.State.READY)
    return ImageUpload.objects.filter(pk=upload_id).first()


def upload_mark(*, upload_id: int, state: str, reason: str = "") -> ImageUpload | None:
    """Settle a pending upload as `ready` or `rejected` (its file deleted on commit), and tell the owner.

    Only a pending upload moves: a duplicate message or a late worker changes nothing.
    """
    with transaction.atomic():
        upload = ImageUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None or upload.state != ImageUpload.State.PENDING:
            return upload
        upload.state, upload.reason = state, reason
        upload.save(update_fields=["state", "reason"])
        if state == ImageUpload.State.REJECTED:
            name = upload.file
            # Removal reaches the file: nothing undecodable is kept.
            transaction.on_commit(lambda: default_storage.delete(name))
        send_user_event_on_commit(
            upload.user_id, upload_event(upload_id=upload.id, state=state, reason=reason)
        )
    return upload


def uploads_reconcile(*, batch: int = 200) -> dict[str, int]:
    """Re-send decoding for uploads stuck pending; reject those whose attempts are spent."""
    cutoff = timezone.now() - timedelta(seconds=settings.GENERATION_STUCK_AFTER_S)
    resent = failed = 0
    stuck = (
        ImageUpload.objects.filter(state=ImageUpload.State.PENDING, created_at__lt=cutoff)
        .filter(Q(attempted_at__isnull=True) | Q(attempted_at__lt=cutoff))
        .order_by("created_at")
        .values_list("id", "decode_attempts")[:batch]
    )
    for upload_id, attempts in stuck:
        if attempts >= settings.GENERATION_UPLOAD_MAX_ATTEMPTS:
            upload_mark(upload_id=upload_id, state=ImageUpload.State.REJECTED, reason="processing_failed")
            failed += 1
        else:
            enqueue_on_commit("generation.decode_upload", upload_id=upload_id)
            resent += 1
    return {"resent": resent, "failed": failed}
