"""Writes of the generation app: one function per state change (`<entity>_<action>`, keyword-only).

`job_transition` is the only code that changes a job's state: it takes the
row lock, checks the move against `generation.states.TRANSITIONS`, records
`state_changed_at` and tells the owner's app (WebSocket) and other apps
(`generation_finished`) once the transaction commits. Worker steps live in
`generation.pipeline`; they call these.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from generation import checks, images, states
from generation.models import GenerationJob, ImageUpload, OutputFrameEmbedding
from generation.remix import resolve_source
from generation.signals import generation_finished
from generation.states import JobState
from sora_social.common.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.ids import parse_id
from sora_social.common.storage import PRIVATE, new_name
from sora_social.common.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

ASPECT_SIZES = {"9:16": (9, 16), "16:9": (16, 9), "1:1": (1, 1)}
PROMPT_MAX = 1000
MAX_ERRORS_KEPT = 20


class StaleTransition(Exception):
    """The job is no longer in the state (or attempt) the caller worked from; it must stop."""


class IllegalTransition(Exception):
    """A move the transition table does not allow: a bug in the caller."""


def _event(job: GenerationJob) -> dict[str, Any]:
    return {"type": "generation.progress", "id": str(job.id), "state": job.state, "progress": job.progress}


def _announce_finished(job: GenerationJob) -> None:
    payload: dict[str, Any] = {"type": "generation.finished", "id": str(job.id), "state": job.state}
    if job.blocked_reason:
        payload["blocked_reason"] = job.blocked_reason
    send_user_event_on_commit(job.user_id, payload)
    job_id, user_id, state = job.id, job.user_id, job.state
    transaction.on_commit(
        lambda: generation_finished.send(sender=GenerationJob, job_id=job_id, user_id=user_id, state=state)
    )


def error_entry(*, state: str, attempt: int, error: str) -> dict[str, Any]:
    return {"at": timezone.now().isoformat(), "state": state, "attempt": attempt, "error": error[:500]}


@transaction.atomic
def job_transition(
    *,
    job_id: int,
    to: str,
    expect: set[str] | frozenset[str] | None = None,
    attempt: int | None = None,
    error: str | None = None,
    **fields: Any,
) -> GenerationJob:
    """Move a job to `to` under a row lock.

    `expect` and `attempt` say what the caller believes (the state it worked
    from, the render attempt it holds); if the row says otherwise the caller
    lost the job (cancelled, or taken back by the reconciler) and gets
    `StaleTransition`, changing nothing. `fields` are set in the same write.
    """
    job = GenerationJob.objects.select_for_update().get(pk=job_id)
    if (expect is not None and job.state not in expect) or (attempt is not None and job.attempts != attempt):
        raise StaleTransition(f"job {job_id} is {job.state}/attempt {job.attempts}")
    if not states.can_move(job.state, to):
        raise IllegalTransition(f"job {job_id}: {job.state} -> {to}")
    now = timezone.now()
    previous = job.state
    job.state = to
    job.state_changed_at = now
    job.heartbeat_at = now
    if to in states.PROGRESS_AT:
        job.progress = states.PROGRESS_AT[to]
    if error:
        job.errors = [*job.errors, error_entry(state=previous, attempt=job.attempts, error=error)][
            -MAX_ERRORS_KEPT:
        ]
    if to in states.TERMINAL:
        job.finished_at = now
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    send_user_event_on_commit(job.user_id, _event(job))
    if to in states.TERMINAL:
        _announce_finished(job)
    return job


def job_claim_for_publish(*, job_id: int | None, user_id: int) -> GenerationJob:
    """Lock the member's finished job for publishing, inside the caller's transaction.

    404 `generation_not_found` when there is no such job of theirs, 403
    `generation_output_removed` when its video was taken down, 409
    `generation_not_ready` unless it is ready with a video.
    """
    job = (
        GenerationJob.objects.select_for_update().filter(pk=job_id, user_id=user_id).first()
        if job_id
        else None
    )
    if job is None:
        raise NotFound("No such generation.", code="generation_not_found")
    if job.output_removed_at is not None:
        raise Forbidden("This video was taken down.", code="generation_output_removed")
    if job.state != JobState.READY or not job.video:
        raise Conflict("Only a finished generation can be published.", code="generation_not_ready")
    return job


# --- submitting -----------------------------------------------------------------


def _frame_size(aspect: str) -> tuple[int, int]:
    """Width and height for an aspect with the configured short side (even numbers, for H.264)."""
    w, h = ASPECT_SIZES[aspect]
    short = settings.GENERATION_SHORT_SIDE
    scale = short / min(w, h)
    return int(round(w * scale / 2) * 2), int(round(h * scale / 2) * 2)


def _is_teen(user: Any) -> bool:
    from sora_social.accounts.selectors import user_is_teen

    return user_is_teen(user=user)


def quota_limits(*, user: Any) -> tuple[int, int]:
    """(daily, concurrent) generations for this member."""
    if _is_teen(user):
        return settings.GENERATION_DAILY_QUOTA_TEEN, settings.GENERATION_CONCURRENT_QUOTA_TEEN
    return settings.GENERATION_DAILY_QUOTA, settings.GENERATION_CONCURRENT_QUOTA


def _check_quotas(*, user: Any) -> None:
    """429 with Retry-After when a quota is spent. Caller holds the member's row lock."""
    daily, concurrent = quota_limits(user=user)
    now = timezone.now()
    since = now - timedelta(days=1)
    today = GenerationJob.objects.filter(user_id=user.id, created_at__gte=since)
    used = today.count()
    if used >= daily:
        # The window frees a slot when the oldest generation in it turns a day old.
        oldest = today.order_by("created_at").values_list("created_at", flat=True)[used - daily]
        retry = int((oldest + timedelta(days=1) - now).total_seconds()) + 1
        raise RateLimited(
            "Daily generation limit reached.",
            retry_after=retry,
            code="generation_daily_quota",
            details={"limit": daily},
        )
    running = GenerationJob.objects.filter(user_id=user.id, state__in=states.ACTIVE).count()
    if running >= concurrent:
        raise RateLimited(
            "Too many generations in progress; wait for one to finish.",
            retry_after=max(5, settings.GENERATION_DEFAULT_DURATION_S * 3),
            code="generation_concurrent_quota",
            details={"limit": concurrent},
        )


def _safety_available() -> None:
    """Refuse at once (503) when a configured safety classifier is missing and fail-closed is on,
    rather than accept a job that could never pass its checks."""
    from moderation.services import classifiers_ready

    if not settings.SAFETY_FAIL_CLOSED:
        return
    ok, classifiers = classifiers_ready()
    if not ok:
        broken = sorted(
            name for name, entry in classifiers.items() if entry.get("state") in ("missing", "failed")
        )
        raise ApplicationError(
            "Safety checks are unavailable, so nothing can be generated right now.",
            code="safety_unavailable",
            status=503,
            details={"unavailable": broken},
        )


def _parse_cameo_ids(raw: list[Any] | None) -> list[int]:
    ids: list[int] = []
    for value in raw or []:
        parsed = parse_id(value)
        if parsed is None:
            raise NotFound("No such cameo.", code="cameo_not_found")
        if parsed not in ids:
            ids.append(parsed)
    return ids


def job_submit(
    *,
    user: Any,
    mode: str,
    prompt: str = "",
    image_upload_id: Any = None,
    remix_of: Any = None,
    cameos: list[Any] | None = None,
    duration_s: int | None = None,
    aspect: str | None = None,
    style: str = "",
    seed: int | None = None,
) -> GenerationJob:
    """Accept a generation request (rule 1 consent, quotas) and queue it; answers the new job."""
    prompt = (prompt or "").strip()
    aspect = aspect or GenerationJob.Aspect.PORTRAIT
    duration_s = duration_s or settings.GENERATION_DEFAULT_DURATION_S
    problems: dict[str, str] = {}
    if mode not in GenerationJob.Mode.values:
        problems["mode"] = "Use text, image or remix."
    if mode == GenerationJob.Mode.TEXT and not prompt:
        problems["prompt"] = "A text generation needs a prompt."
    if len(prompt) > PROMPT_MAX:
        problems["prompt"] = f"At most {PROMPT_MAX} characters."
    if aspect not in ASPECT_SIZES:
        problems["aspect"] = "Use 9:16, 16:9 or 1:1."
    if not 1 <= duration_s <= settings.GENERATION_MAX_DURATION_S:
        problems["duration_s"] = f"Between 1 and {settings.GENERATION_MAX_DURATION_S} seconds."
    if mode == GenerationJob.Mode.IMAGE and image_upload_id is None:
        problems["image_upload_id"] = "An image generation needs an uploaded image."
    if mode == GenerationJob.Mode.REMIX and remix_of is None:
        problems["remix_of"] = "A remix needs the post it remixes."
    if problems:
        raise ValidationFailed(details=problems)
    cameo_ids = _parse_cameo_ids(cameos)

    upload = None
    if mode == GenerationJob.Mode.IMAGE:
        upload_pk = parse_id(image_upload_id)
        upload = ImageUpload.objects.filter(pk=upload_pk, user_id=user.id).first() if upload_pk else None
        if upload is None:
            raise NotFound("No such upload.", code="upload_not_found")
        if upload.state == ImageUpload.State.REJECTED:
            raise ValidationFailed(
                "The uploaded image could not be decoded; upload another.",
                code=upload.reason or "corrupt_image",
                details={"image_upload_id": upload.reason or "corrupt_image"},
            )
    source = None
    if mode == GenerationJob.Mode.REMIX:
        post_id = parse_id(remix_of)
        if post_id is None:
            raise NotFound("No such post to remix.", code="remix_source_not_found")
        source = resolve_source(post_id=post_id, user=user)
        # A remix carries its source's cameos: each needs consent in its own right.
        cameo_ids += [c for c in source.cameo_ids if c not in cameo_ids]

    _safety_available()
    checks.rules_at_submit(user_id=user.id, cameo_ids=cameo_ids, prompt=prompt)
    width, height = _frame_size(aspect)
    with transaction.atomic():
        # One member's submissions are serialised on their row, so concurrent
        # requests cannot both pass the same quota.
        get_user_model().objects.select_for_update().filter(pk=user.id).first()
        _check_quotas(user=user)
        checks.consent_at_submit(user_id=user.id, cameo_ids=cameo_ids)
        now = timezone.now()
        job = GenerationJob.objects.create(
            user_id=user.id,
            mode=mode,
            prompt=prompt,
            style=(style or "")[:40],
            seed=seed if seed is not None else secrets.randbits(31),
            duration_s=duration_s,
            aspect=aspect,
            width=width,
            height=height,
            fps=settings.GENERATION_FPS,
            image_upload=upload,
            remix_of_post_id=source.post_id if source else None,
            remix_parent_video=source.video if source else "",
            remix_parent_title=source.title if source else "",
            cameo_ids=cameo_ids,
            state=JobState.QUEUED,
            state_changed_at=now,
            heartbeat_at=now,
            backend=settings.GENERATION_BACKEND,
        )
        send_user_event_on_commit(user.id, _event(job))

        enqueue_on_commit("generation.advance", job_id=job.id)
    return job


# --- cancelling ------------------------------------------------------------------


def job_cancel(*, user: Any, job_id: Any) -> GenerationJob:
    """The owner cancels an unfinished job; a running render stops at its next step and keeps nothing."""
    pk = parse_id(job_id)
    if pk is None or not GenerationJob.objects.filter(pk=pk, user_id=user.id).exists():
        raise NotFound("No such generation.")
    try:
        return job_transition(job_id=pk, to=JobState.CANCELLED, expect=states.ACTIVE, blocked_reason="")
    except StaleTransition:
        raise Conflict("This generation has already finished.", code="generation_finished") from None


def _cancel_where(jobs: QuerySet[GenerationJob], *, reason: str) -> list[int]:
    """Cancel every unfinished job in `jobs`, set-based (one locking read, one update).

    For the signal receivers: they run inside the sender's transaction and
    must cost the same for one job or a thousand. A worker rendering one of
    these jobs notices at its next step (its heartbeat update finds the state
    changed) and stops, keeping nothing.
    """
    with transaction.atomic():
        rows = list(jobs.filter(state__in=states.ACTIVE).select_for_update().values_list("id", "user_id"))
        if not rows:
            return []
        now = timezone.now()
        GenerationJob.objects.filter(pk__in=[job_id for job_id, _ in rows]).update(
            state=JobState.CANCELLED,
            state_changed_at=now,
            heartbeat_at=now,
            finished_at=now,
            blocked_reason=reason,
        )
        for job_id, user_id in rows:
            job = GenerationJob(
                id=job_id, user_id=user_id, state=JobState.CANCELLED, progress=0.0, blocked_reason=reason
            )
            send_user_event_on_commit(user_id, _event(job))
            _announce_finished(job)
    return [job_id for job_id, _ in rows]


def jobs_cancel_for_revoked_cameo(*, cameo_id: int, user_id: int) -> list[int]:
    """Cancel that member's unfinished jobs casting the cameo (rule 2); returns their ids."""
    jobs = GenerationJob.objects.filter(user_id=user_id, cameo_ids__contains=[cameo_id])
    return _cancel_where(jobs, reason="cameo_access_revoked")


def jobs_cancel_for_deleted_cameo(*, cameo_id: int) -> list[int]:
    """Cancel everyone's unfinished jobs casting a cameo being deleted."""
    return _cancel_where(GenerationJob.objects.filter(cameo_ids__contains=[cameo_id]), reason="cameo_deleted")


def outputs_remove(*, job_ids: list[int], reason: str) -> list[int]:
    """Take down generated videos for everyone (their drafts included): unfinished jobs are
    cancelled, finished ones lose their files and their frame and face embeddings.

    Set-based. The files are deleted before the removal commits (rule 10): every
    URL minted before names an object that no longer exists by the time anyone
    can see the removal; a rollback can at worst cost the draft its files."""
    from cameos.services import output_faces_erase

    ids = [int(i) for i in job_ids]
    _cancel_where(GenerationJob.objects.filter(pk__in=ids), reason=reason)
    with transaction.atomic():
        rows = list(
            GenerationJob.objects.select_for_update()
            .filter(pk__in=ids, output_removed_at=None)
            .exclude(video="")
            .values_list("id", "video", "poster")
        )
        if not rows:
            return []
        removed = [r[0] for r in rows]
        GenerationJob.objects.filter(pk__in=removed).update(
            output_removed_at=timezone.now(), blocked_reason=reason, embedding=None
        )
        OutputFrameEmbedding.objects.filter(job_id__in=removed).delete()
        output_faces_erase(kind="generation", object_ids=removed)
        for name in {name for _, video, poster in rows for name in (video, poster) if name}:
            default_storage.delete(name)
    return removed


def jobs_remove_for_account(*, user_id: int) -> dict[str, int]:
    """A member deleted their account: every unfinished job is cancelled, every output and
    uploaded image deleted (files before the transaction commits, rule 10), every embedding erased.

    Receiver side of `sora_social.accounts.signals.account_deleted`. Set-based:
    a fixed number of statements whatever the number of jobs, one storage call per file.
    """
    with transaction.atomic():
        jobs = GenerationJob.objects.filter(user_id=user_id)
        cancelled = _cancel_where(jobs, reason="account_deleted")
        removed = outputs_remove(job_ids=list(jobs.values_list("id", flat=True)), reason="account_deleted")
        jobs.update(embedding=None, image_upload=None)
        OutputFrameEmbedding.objects.filter(job__user_id=user_id).delete()
        uploads = list(
            ImageUpload.objects.select_for_update().filter(user_id=user_id).values_list("id", "file")
        )
        ImageUpload.objects.filter(pk__in=[pk for pk, _ in uploads]).delete()
        for name in {name for _, name in uploads if name}:
            default_storage.delete(name)
    return {"cancelled": len(cancelled), "outputs_removed": len(removed), "uploads_deleted": len(uploads)}


def on_account_deleted(sender: Any, user_id: int, **kwargs: Any) -> None:
    """Receiver of `sora_social.accounts.signals.account_deleted`."""
    jobs_remove_for_account(user_id=user_id)


def on_cameo_access_revoked(sender: Any, cameo_id: int, user_id: int, **kwargs: Any) -> None:
    """Receiver of `cameos.signals.cameo_access_revoked`."""
    jobs_cancel_for_revoked_cameo(cameo_id=cameo_id, user_id=user_id)


def on_cameo_deleted(sender: Any, cameo_id: int, **kwargs: Any) -> None:
    """Receiver of `cameos.signals.cameo_deleted`."""
    jobs_cancel_for_deleted_cameo(cameo_id=cameo_id)


def on_appearance_removed(
    sender: Any, cameo_id: int, kind: str, object_ids: list[int], **kwargs: Any
) -> None:
    """Receiver of `cameos.signals.appearance_removed`: the owner took down videos with their likeness."""
    if kind == "generation":
        outputs_remove(job_ids=object_ids, reason="removed_by_cameo_owner")


def on_cameo_use_decided(
    sender: Any, cameo_id: int, kind: str, object_id: int, approved: bool, **kwargs: Any
) -> None:
    """Receiver of `cameos.signals.cameo_use_decided`: an owner approved or denied one use.

    A denial refuses the job; the last approval a job waited for sends it to
    the GPU queue. Runs inside the owner's deciding transaction.
    """
    if kind != checks.SUBJECT_KIND:
        return
    job = GenerationJob.objects.select_for_update().filter(pk=object_id).first()
    if job is None or job.state != JobState.NEEDS_APPROVAL:
        return
    if not approved:
        from cameos.rules import APPROVAL_REQUIRED, RESTRICTIONS

        detail = {
            "cameo": str(cameo_id),
            "rule": APPROVAL_REQUIRED,
            "rule_text": RESTRICTIONS[APPROVAL_REQUIRED].label,
        }
        job_transition(
            job_id=job.id,
            to=JobState.BLOCKED,
            expect={JobState.NEEDS_APPROVAL},
            blocked_reason=checks.RULE_VIOLATION,
            checks={
                **job.checks,
                "approval": {
                    "cameos.approval": {"decision": checks.BLOCK, "reason": checks.RULE_VIOLATION, **detail}
                },
            },
        )
        return
    if checks.approvals_needed(job):
        return

    job_transition(job_id=job.id, to=JobState.WAITING_FOR_GPU, expect={JobState.NEEDS_APPROVAL})
    enqueue_on_commit("generation.gpu.render", job_id=job.id)


def on_content_actioned(sender: Any, kind: str, object_id: int, action: str, **kwargs: Any) -> None:
    """Receiver of `moderation.signals.content_actioned` for generations (drafts)."""
    from moderation.signals import REMOVE

    if kind == "generation" and action == REMOVE:
        outputs_remove(job_ids=[object_id], reason="removed_by_moderation")


# --- uploads -------------------------------------------------------------------------

IMAGE_TYPES = images.IMAGE_TYPES
# Status of each header error (the rest are 400).
_HEADER_ERROR_STATUS = {"unsupported_image_type": 415}


def upload_create(*, user: Any, file: Any) -> ImageUpload:
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

    content_type, ext = IMAGE_TYPES[header.format]
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
        payload: dict[str, Any] = {"type": f"upload.{state}", "upload_id": str(upload.id)}
        if state == ImageUpload.State.REJECTED:
            payload["reason"] = reason
            name = upload.file
            # Removal reaches the file: nothing undecodable is kept.
            transaction.on_commit(lambda: default_storage.delete(name))
        send_user_event_on_commit(upload.user_id, payload)
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


# --- the reconciler -------------------------------------------------------------------


def jobs_reconcile(*, now: Any = None, batch: int = 200) -> dict[str, int]:
    """Take back jobs nobody has worked on for GENERATION_STUCK_AFTER_S and nudge them again.

    Queued and prompt-checking jobs and jobs waiting for a GPU lost only their
    message: it is sent again. Jobs whose worker vanished mid-render (their
    frames were in its memory) go back to `waiting_for_gpu` with the error
    recorded, or to `failed` after GENERATION_MAX_ATTEMPTS. Rows are claimed
    with SKIP LOCKED, so two reconcilers never act on one job.
    """

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.GENERATION_STUCK_AFTER_S)
    counts = {"renudged": 0, "taken_back": 0, "failed": 0}
    with transaction.atomic():
        stuck = list(
            GenerationJob.objects.select_for_update(skip_locked=True)
            .filter(state__in=states.ACTIVE - states.WAITING_FOR_PERSON, heartbeat_at__lt=cutoff)
            .order_by("heartbeat_at")[:batch]
        )
        for job in stuck:
            if job.state in (JobState.QUEUED, JobState.CHECKING_PROMPT):
                GenerationJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
                enqueue_on_commit("generation.advance", job_id=job.id)
                counts["renudged"] += 1
            elif job.state == JobState.WAITING_FOR_GPU:
                GenerationJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
                enqueue_on_commit("generation.gpu.render", job_id=job.id)
                counts["renudged"] += 1
            elif job.attempts >= settings.GENERATION_MAX_ATTEMPTS:
                job_transition(
                    job_id=job.id,
                    to=JobState.FAILED,
                    error=f"worker lost in {job.state}; no attempts left",
                    expect={job.state},
                )
                counts["failed"] += 1
            else:
                job_transition(
                    job_id=job.id,
                    to=JobState.WAITING_FOR_GPU,
                    error=f"worker lost in {job.state}",
                    expect={job.state},
                )
                enqueue_on_commit("generation.gpu.render", job_id=job.id)
                counts["taken_back"] += 1
    if any(counts.values()):
        logger.warning("generation reconciler: %s", counts)
    return counts
