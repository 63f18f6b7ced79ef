"""Enrolment: a cameo is created with its challenge, gets its recording, and moves state.

Every state change of a cameo goes through `cameo_transition` (the declared
`cameos.states.CAMEO_MACHINE`); the worker's verification is in `verification`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cameos.enrolment import RecordingError, new_challenge, probe
from cameos.models import Audience, Cameo, CameoState
from cameos.models.cameo import LIVE_STATES
from cameos.states import CAMEO_MACHINE
from sora_social.accounts.models import User
from sora_social.common.errors import ApplicationError, Conflict, ValidationFailed
from sora_social.common.states import transition
from sora_social.common.tasks import enqueue_on_commit

RECORDING_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"}


def cameo_transition(*, cameo_id: int, to: str, **fields: Any) -> Cameo:
    """Move a cameo to `to` under a row lock (the declared `CAMEO_MACHINE`), writing `fields` with it.

    An illegal move raises `IllegalTransition` (409 `illegal_transition`).
    """
    return transition(
        CAMEO_MACHINE, Cameo.objects.all(), pk=cameo_id, to=to, fields=fields, subject="A cameo"
    )


@transaction.atomic
def cameo_create(*, owner: User) -> Cameo:
    """Start an enrolment: a new cameo awaiting its recording, with a fresh challenge."""
    if Cameo.objects.select_for_update().filter(owner=owner, state__in=LIVE_STATES).exists():
        raise Conflict("You already have a cameo; delete it to enrol again.", code="cameo_exists")
    # Teens start private; adults start with "people I approve".
    audience = Audience.ONLY_ME if owner.is_teen else Audience.APPROVED
    challenge = new_challenge() | {"issued_at": timezone.now().isoformat()}
    return Cameo.objects.create(owner=owner, audience=audience, challenge=challenge)


def cameo_attach_recording(*, cameo: Cameo, upload: UploadedFile[bytes]) -> Cameo:
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
