"""Finishing a job (the last step of `pipeline.job_render`, in the same GPU worker).

`finish` runs named steps: `_make_output` (watermark, the one encode, C2PA
signing, poster, frame descriptors), `_store_files` (fresh private names),
then `_settle`, one transaction: the store checks (consent again, rule 1),
and `ready` with the files, the frame embeddings and the cameo appearances,
or `cancelled` / `blocked`. Files not kept by a `ready` job are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from cameos.services import appearance_record
from generation import checks, media, provenance
from generation.models import GenerationJob, OutputFrameEmbedding
from generation.services.transitions import job_transition
from generation.states import JobState
from sora_social.common.states import StaleTransition
from sora_social.common.storage import PRIVATE, new_name


def _output_names() -> tuple[str, str]:
    """Fresh random private names (rule 10: never ids, which are enumerable): a stale worker
    can never overwrite the files of the attempt that owns the job."""
    base = new_name(PRIVATE, "")
    return f"{base}video.mp4", f"{base}poster.jpg"


@dataclass(frozen=True)
class _Output:
    """What finishing makes from the frames before anything is stored."""

    signed: bytes  # the watermarked MP4 with its signed C2PA manifest
    poster: bytes  # JPEG
    label: str  # the manifest's label
    indices: list[int]  # the sampled frames ...
    vectors: list[np.ndarray]  # ... and their descriptors
    mean: np.ndarray  # the unit-length mean descriptor (the job's embedding)


def _make_output(
    *, job: GenerationJob, frames: np.ndarray, audio: np.ndarray, sample_rate: int, model_id: str = ""
) -> _Output:
    """Watermark, the one encode, C2PA signing (a remix names its parent), poster, descriptors."""
    parent = None
    if job.remix_parent_video:
        with default_storage.open(job.remix_parent_video, "rb") as handle:
            parent = provenance.ParentIngredient(title=job.remix_parent_title or "source", data=handle.read())
    # Settings declared with a default (env_str) are never None; their type cannot say so.
    # The moving mark carries the product's text and the creator's @handle.
    media.burn_watermark(
        frames, fps=job.fps, text=cast(str, settings.GENERATION_WATERMARK_TEXT), handle=job.user.username
    )
    encoded = media.encode_mp4(
        frames,
        audio,
        sample_rate=sample_rate,
        fps=job.fps,
        crf=settings.GENERATION_X264_CRF,
        preset=cast(str, settings.GENERATION_X264_PRESET),
    )
    signed = provenance.sign_mp4(
        encoded,
        title=f"{job.id}.mp4",
        job_id=job.id,
        cameo_ids=list(job.cameo_ids),
        parent=parent,
        model=model_id,
    )
    indices = media.sample_indices(len(frames))
    vectors = [media.frame_descriptor(frames[i]) for i in indices]
    mean = np.mean(vectors, axis=0)
    return _Output(
        signed=signed,
        poster=media.poster_jpeg(frames[min(len(frames) - 1, job.fps)]),
        label=provenance.read_manifest(signed).label,
        indices=list(indices),
        vectors=vectors,
        mean=mean / (float(np.linalg.norm(mean)) or 1.0),
    )


def _store_files(output: _Output) -> tuple[str, str]:
    """Write the video and poster under fresh private names; returns the names storage chose."""
    video_name, poster_name = _output_names()
    for name in (video_name, poster_name):
        if default_storage.exists(name):
            default_storage.delete(name)
    video_name = default_storage.save(video_name, ContentFile(output.signed))
    poster_name = default_storage.save(poster_name, ContentFile(output.poster))
    return video_name, poster_name


def _frame_embeddings_save(job: GenerationJob, output: _Output) -> None:
    OutputFrameEmbedding.objects.bulk_create(
        [
            OutputFrameEmbedding(
                job_id=job.id,
                frame_index=i,
                t_ms=int(i * 1000 / job.fps),
                vector=v.tolist(),
                model=media.DESCRIPTOR_MODEL,
            )
            for i, v in zip(output.indices, output.vectors, strict=True)
        ],
        ignore_conflicts=True,
    )


def _settle(*, job: GenerationJob, attempt: int, output: _Output, names: tuple[str, str]) -> GenerationJob:
    """In one transaction: the store checks (consent again, rule 1), then `ready` with the files,
    embeddings and appearances, or `cancelled` / `blocked`. Stale if the job is no longer ours."""
    with transaction.atomic():
        locked = GenerationJob.objects.select_for_update().get(pk=job.id)
        if locked.state != JobState.FINISHING or locked.attempts != attempt:
            raise StaleTransition(f"job {job.id} is {locked.state}/attempt {locked.attempts}")
        # Consent again, holding the cameo rows until this commits (rule 1).
        outcome, record = checks.run_steps(checks.STORE_CHECKS, locked, {})
        if outcome.decision != checks.ALLOW:
            return job_transition(
                job_id=job.id,
                to=JobState.CANCELLED if outcome.decision == checks.CANCEL else JobState.BLOCKED,
                expect={JobState.FINISHING},
                attempt=attempt,
                blocked_reason=outcome.reason,
                checks={**job.checks, "store": record},
            )
        video_name, poster_name = names
        job = job_transition(
            job_id=job.id,
            to=JobState.READY,
            expect={JobState.FINISHING},
            attempt=attempt,
            video=video_name,
            poster=poster_name,
            video_bytes=len(output.signed),
            manifest_label=output.label,
            embedding=output.mean.tolist(),
            embedding_model=media.DESCRIPTOR_MODEL,
            checks={**job.checks, "store": record},
        )
        _frame_embeddings_save(job, output)
        _record_appearances(job)
    return job


def finish(
    *,
    job: GenerationJob,
    attempt: int,
    frames: np.ndarray,
    audio: np.ndarray,
    sample_rate: int,
    model_id: str = "",
) -> str:
    """Watermark, encode once, sign (naming the model), poster, embeddings, consent re-check, store, `ready`."""
    output = _make_output(job=job, frames=frames, audio=audio, sample_rate=sample_rate, model_id=model_id)
    names = _store_files(output)
    stored = False
    try:
        job = _settle(job=job, attempt=attempt, output=output, names=names)
        stored = job.state == JobState.READY
    finally:
        if not stored:
            # Cancelled, refused or taken back while we encoded: what we wrote is not the job's.
            for name in names:
                default_storage.delete(name)
    return job.state


def _record_appearances(job: GenerationJob) -> None:
    """Tell cameos which cameos this draft carries, so each owner sees it in their list."""
    for cameo_id in job.cameo_ids:
        appearance_record(
            cameo_id=cameo_id, kind="generation", object_id=job.id, source="cast", creator_id=job.user_id
        )
