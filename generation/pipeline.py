"""The worker side of a job: each step idempotent per (row, state).

- `job_advance` (media queue): `queued` → `checking_prompt` → prompt checks →
  `waiting_for_gpu` (or `blocked`), then nudges the GPU queue.
- `job_render` (gpu queue): claims the job for one render attempt, renders with
  the configured backend (progress and cancellation between its steps), runs
  the output checks on the frames, then finishes (`generation.finishing`):
  watermark, the one encode, C2PA signing, poster, embeddings, consent
  re-check, storage, `ready`.

Rendering, checking and finishing run in one worker because the frames exist
only in its memory: 10 s of 720×1280 RGB is 660 MB, and the only encode must
come after the watermark, so there is no cheaper artefact to hand between
queues. If that worker dies, the reconciler sends the job back to
`waiting_for_gpu` and a deterministic re-render takes its place; the attempt
number held by each worker makes a late, stale worker unable to finish it.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cameos.selectors import cameo_reference_image
from cameos.services import use_approvals_request
from generation import checks, images, media
from generation.backends import (
    RenderCancelled,
    RenderContext,
    RenderFailed,
    RenderRequest,
    Shot,
    get_backend,
)
from generation.backends.audio import with_soundtrack
from generation.backends.storyboard import render_shots
from generation.dialogue import dialogue_lines
from generation.finishing import finish
from generation.models import GenerationJob, ImageUpload
from generation.presenters import job_progress_event
from generation.services.transitions import job_transition
from generation.services.uploads import upload_mark
from generation.states import IN_WORKER, RENDER_PROGRESS_SPAN, JobState
from sora_social.common.errors import ApplicationError, NotFound
from sora_social.common.events import send_user_event
from sora_social.common.states import StaleTransition
from sora_social.common.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)


def _fail_checking_prompt(job_id: int, *, code: str, message: str) -> GenerationJob:
    """End a job in `checking_prompt` as `failed` with a reason code (undecodable still, check unavailable)."""
    return job_transition(
        job_id=job_id,
        to=JobState.FAILED,
        expect={JobState.CHECKING_PROMPT},
        error=f"{code}: {message}",
        blocked_reason=code,
    )


def _prompt_payload(job: GenerationJob) -> dict[str, Any]:
    """What the prompt checks look at: the prompt, and the decoded still of an image generation."""
    payload: dict[str, Any] = {"prompt": job.prompt}
    upload = job.image_upload if job.image_upload_id else None
    if upload is not None:
        payload["image"] = _read_upload(upload)
    return payload


def _after_prompt_checks(job: GenerationJob, record: dict[str, Any]) -> GenerationJob:
    """Checks passed: wait for the owners who approve each use, or go to the GPU queue."""
    with transaction.atomic():
        waiting_for = checks.approvals_needed(job)
        if waiting_for:
            # Owners who approve every use see the prompt that passed the checks;
            # nothing renders until each of them approved (their decision moves it on).
            job = job_transition(
                job_id=job.id,
                to=JobState.NEEDS_APPROVAL,
                expect={JobState.CHECKING_PROMPT},
                checks={**job.checks, "prompt": record},
            )
            use_approvals_request(
                cameo_ids=waiting_for,
                requester_id=job.user_id,
                kind=checks.SUBJECT_KIND,
                object_id=job.id,
                prompt=job.prompt,
            )
            return job
        job = job_transition(
            job_id=job.id,
            to=JobState.WAITING_FOR_GPU,
            expect={JobState.CHECKING_PROMPT},
            checks={**job.checks, "prompt": record},
        )
        enqueue_on_commit("generation.gpu.render", job_id=job.id)
    return job


def _check_prompt(job: GenerationJob) -> GenerationJob:
    """Run the prompt checks on a job in `checking_prompt` and move it on by their outcome."""
    try:
        payload = _prompt_payload(job)
    except images.ImageError as exc:
        return _fail_checking_prompt(job.id, code=exc.code, message=exc.message)
    try:
        outcome, record = checks.run_steps(checks.PROMPT_CHECKS, job, payload)
    except ApplicationError as exc:
        # A check that cannot run (a classifier missing with fail-closed on) refuses the job.
        return _fail_checking_prompt(job.id, code=exc.code, message=exc.message)
    except Exception as exc:
        _prompt_check_crashed(job, exc)
        raise
    if outcome.decision != checks.ALLOW:
        return job_transition(
            job_id=job.id,
            to=JobState.BLOCKED,
            expect={JobState.CHECKING_PROMPT},
            blocked_reason=outcome.reason or "prompt_not_allowed",
            checks={**job.checks, "prompt": record},
        )
    return _after_prompt_checks(job, record)


def job_advance(*, job_id: int) -> str:
    """Run the pre-GPU part of a job. Returns the state it left the job in."""
    job = GenerationJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    try:
        if job.state == JobState.QUEUED:
            job = job_transition(job_id=job_id, to=JobState.CHECKING_PROMPT, expect={JobState.QUEUED})
        if job.state != JobState.CHECKING_PROMPT:
            return job.state  # someone else moved it on (or it was cancelled): nothing to do
        return _check_prompt(job).state
    except StaleTransition:
        return GenerationJob.objects.values_list("state", flat=True).get(pk=job_id)


def _prompt_check_crashed(job: GenerationJob, exc: Exception) -> None:
    """Put the job back in the queue with the error noted (the reconciler retries); fail it after
    GENERATION_MAX_ATTEMPTS crashes."""
    crashes = sum(1 for e in job.errors if e.get("state") == JobState.CHECKING_PROMPT) + 1
    give_up = crashes >= settings.GENERATION_MAX_ATTEMPTS
    with contextlib.suppress(StaleTransition):
        job_transition(
            job_id=job.id,
            to=JobState.FAILED if give_up else JobState.QUEUED,
            expect={JobState.CHECKING_PROMPT},
            error=f"{type(exc).__name__}: {exc}",
        )


# --- rendering ----------------------------------------------------------------------


def _claim(job_id: int) -> GenerationJob | None:
    """Take the job for one render attempt, or None when it is not waiting for a GPU."""
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.WAITING_FOR_GPU:
            return None
        if job.attempts >= settings.GENERATION_MAX_ATTEMPTS:
            job_transition(job_id=job_id, to=JobState.FAILED, error="no render attempts left")
            return None
        GenerationJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
        return job_transition(job_id=job_id, to=JobState.RENDERING, expect={JobState.WAITING_FOR_GPU})


class _Progress:
    """Progress reports that double as the heartbeat and as the 'is this still mine?' question."""

    def __init__(self, job: GenerationJob) -> None:
        self.job = job
        self.lost = False
        self.low, self.high = RENDER_PROGRESS_SPAN
        self.shot: tuple[int, int] | None = None  # (index, count) while a storyboard renders

    def on_shot(self, index: int, count: int) -> None:
        self.shot = (index, count)

    def report(self, fraction: float) -> None:
        progress = round(self.low + (self.high - self.low) * fraction, 3)
        updated = GenerationJob.objects.filter(
            pk=self.job.id, state=JobState.RENDERING, attempts=self.job.attempts
        ).update(progress=progress, heartbeat_at=timezone.now())
        if not updated:
            self.lost = True  # cancelled, or taken back by the reconciler
            return
        send_user_event(
            self.job.user_id,
            job_progress_event(
                job_id=self.job.id, state=JobState.RENDERING, progress=progress, shot=self.shot
            ),
        )

    def should_stop(self) -> bool:
        return self.lost


def _read_upload(upload: ImageUpload) -> np.ndarray:
    """The uploaded still, decoded under the same budgets as the upload task (`generation.images`).

    A rejected upload raises its reason; one still pending is decoded here and
    settled by the outcome (ready, or rejected with the reason).
    """
    if upload.state == ImageUpload.State.REJECTED:
        raise images.ImageError(upload.reason or "corrupt_image", "The uploaded image could not be decoded.")
    try:
        with default_storage.open(upload.file, "rb") as handle:
            data = handle.read(settings.GENERATION_UPLOAD_MAX_BYTES + 1)
        pixels = images.decode(data)
    except images.ImageError as exc:
        upload_mark(upload_id=upload.pk, state=ImageUpload.State.REJECTED, reason=exc.code)
        raise
    except FileNotFoundError:
        raise images.ImageError("corrupt_image", "The uploaded image is gone.") from None
    if upload.state == ImageUpload.State.PENDING:
        upload_mark(upload_id=upload.pk, state=ImageUpload.State.READY)
    return pixels


def build_request(job: GenerationJob) -> RenderRequest:
    conditioning = None
    upload = job.image_upload if job.image_upload_id else None
    if upload is not None:
        conditioning = _read_upload(upload)
    elif job.remix_parent_video:
        with default_storage.open(job.remix_parent_video, "rb") as handle:
            conditioning = media.decode_frames(handle.read(), limit=1)[0]
    faces = {cameo_id: [cameo_reference_image(cameo_id=cameo_id)] for cameo_id in job.cameo_ids}
    return RenderRequest(
        prompt=job.prompt,
        seed=job.seed,
        duration_s=job.duration_s,
        width=job.width,
        height=job.height,
        fps=job.fps,
        style=job.style,
        aspect=job.aspect,
        conditioning_image=conditioning,
        cameo_images=faces,
        shots=tuple(Shot(prompt=s["prompt"], duration_s=int(s["duration_s"])) for s in job.storyboard or []),
        dialogue=tuple(dialogue_lines(job.prompt)),
    )


def _request_or_end(job: GenerationJob, attempt: int) -> RenderRequest | GenerationJob:
    """The render request, or the job ended when it cannot be made (bad still, cameo gone)."""
    try:
        return build_request(job)
    except images.ImageError as exc:
        # The uploaded still cannot be decoded within budget: fail with its reason.
        return job_transition(
            job_id=job.id,
            to=JobState.FAILED,
            expect={JobState.RENDERING},
            attempt=attempt,
            error=f"{exc.code}: {exc.message}",
            blocked_reason=exc.code,
        )
    except NotFound:
        # A cast cameo was deleted since submit: the job cannot be made with consent.
        return job_transition(
            job_id=job.id,
            to=JobState.CANCELLED,
            expect={JobState.RENDERING},
            attempt=attempt,
            blocked_reason="cameo_unavailable",
        )


def _check_output(
    job: GenerationJob, attempt: int, frames: np.ndarray, transcript: str | None = None
) -> GenerationJob:
    """`checking_output`: the output checks on the frames (and the speech's transcript, if any);
    `blocked` (nothing stored) or `finishing`."""
    job = job_transition(
        job_id=job.id, to=JobState.CHECKING_OUTPUT, expect={JobState.RENDERING}, attempt=attempt
    )
    outcome, record = checks.run_steps(
        checks.OUTPUT_CHECKS, job, {"frames": frames, "transcript": transcript}
    )
    if outcome.decision != checks.ALLOW:
        # Blocked output is dropped here, before anything is stored.
        return job_transition(
            job_id=job.id,
            to=JobState.BLOCKED,
            expect={JobState.CHECKING_OUTPUT},
            attempt=attempt,
            blocked_reason=outcome.reason or "output_not_allowed",
            checks={**job.checks, "output": record},
        )
    record["rating"] = checks.output_rating(record)
    return job_transition(
        job_id=job.id,
        to=JobState.FINISHING,
        expect={JobState.CHECKING_OUTPUT},
        attempt=attempt,
        checks={**job.checks, "output": record},
    )


def job_render(*, job_id: int) -> str:
    """Render, check and finish one job on a GPU worker. Returns the state it left the job in."""
    job = _claim(job_id)
    if job is None:
        return GenerationJob.objects.filter(pk=job_id).values_list("state", flat=True).first() or "missing"
    attempt = job.attempts
    progress = _Progress(job)
    try:
        # Inside the try: a backend that cannot be built (model missing) fails the job with its reason.
        backend = get_backend(job.backend or None)
        request = _request_or_end(job, attempt)
        if isinstance(request, GenerationJob):
            return request.state
        ctx = RenderContext(on_progress=progress.report, should_stop=progress.should_stop)
        result = with_soundtrack(request, render_shots(backend, request, ctx, on_shot=progress.on_shot))
        if progress.lost:
            raise RenderCancelled
        job = _check_output(job, attempt, result.frames, result.transcript)
        if job.state != JobState.FINISHING:
            return job.state
        assert result.audio is not None  # with_soundtrack made one
        return finish(
            job=job,
            attempt=attempt,
            frames=result.frames,
            audio=result.audio,
            sample_rate=result.sample_rate,
            model_id=result.model_id,
        )
    except RenderFailed as exc:
        # Retrying cannot help (out of GPU memory, a mode the model lacks): fail with the reason.
        logger.warning("job %s attempt %s failed: %s", job_id, attempt, exc)
        with contextlib.suppress(StaleTransition):
            job_transition(
                job_id=job_id,
                to=JobState.FAILED,
                expect={JobState.RENDERING},
                attempt=attempt,
                error=str(exc),
                blocked_reason=exc.code,
            )
        return GenerationJob.objects.values_list("state", flat=True).get(pk=job_id)
    except (RenderCancelled, StaleTransition):
        logger.info("job %s attempt %s stopped: cancelled or taken back", job_id, attempt)
        return GenerationJob.objects.values_list("state", flat=True).get(pk=job_id)
    except Exception as exc:
        logger.exception("job %s attempt %s failed", job_id, attempt)
        _after_error(job_id=job_id, attempt=attempt, error=f"{type(exc).__name__}: {exc}")
        return GenerationJob.objects.values_list("state", flat=True).get(pk=job_id)


def _after_error(*, job_id: int, attempt: int, error: str) -> None:
    """A render attempt raised: retry on a GPU if attempts remain, else fail the job."""

    job = GenerationJob.objects.filter(pk=job_id, attempts=attempt, state__in=IN_WORKER).first()
    if job is None:
        return
    retry = attempt < settings.GENERATION_MAX_ATTEMPTS
    try:
        with transaction.atomic():
            job_transition(
                job_id=job_id,
                to=JobState.WAITING_FOR_GPU if retry else JobState.FAILED,
                expect={job.state},
                attempt=attempt,
                error=error,
            )
            if retry:
                enqueue_on_commit("generation.gpu.render", job_id=job_id, countdown=2**attempt)
    except StaleTransition:
        return


__all__ = ["build_request", "finish", "job_advance", "job_render"]
