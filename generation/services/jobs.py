"""A member's own moves on a job: cancelling it, appealing a prompt block, and claiming a finished one to publish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generation.checks import PROMPT_BLOCK_REASONS, SUBJECT_KIND, blocking_verdict_id
from generation.models import GenerationJob
from generation.services.transitions import job_transition
from generation.states import ACTIVE, JobState
from moderation.services import prompt_appeal_open
from sora_social.accounts.models import User
from sora_social.common.errors import Conflict, Forbidden, NotFound
from sora_social.common.ids import parse_id
from sora_social.common.states import StaleTransition

if TYPE_CHECKING:
    from moderation.models import PromptAppeal


def job_cancel(*, user: User, job_id: Any) -> GenerationJob:
    """The owner cancels an unfinished job; a running render stops at its next step and keeps nothing."""
    pk = parse_id(job_id)
    if pk is None or not GenerationJob.objects.filter(pk=pk, user_id=user.id).exists():
        raise NotFound("No such generation.")
    try:
        return job_transition(job_id=pk, to=JobState.CANCELLED, expect=ACTIVE, blocked_reason="")
    except StaleTransition:
        raise Conflict("This generation has already finished.", code="generation_finished") from None


def job_appeal(*, user: User, job_id: Any, note: str) -> PromptAppeal:
    """The owner appeals their job's prompt block, once: a case for a moderator (moderation's appeal).

    404 unless the job is theirs; 409 `not_appealable` unless it was blocked by
    the prompt checks; 409 `already_appealed` the second time.
    """
    pk = parse_id(job_id)
    job = GenerationJob.objects.filter(pk=pk, user_id=user.id).first() if pk else None
    if job is None:
        raise NotFound("No such generation.")
    reason = job.blocked_reason.split(":", 1)[0]
    if job.state != JobState.BLOCKED or reason not in PROMPT_BLOCK_REASONS:
        raise Conflict(
            "Only a generation blocked by the prompt check can be appealed.", code="not_appealable"
        )
    return prompt_appeal_open(
        user=user,
        subject=(SUBJECT_KIND, job.id),
        prompt=job.prompt,
        verdict_id=blocking_verdict_id(job),
        note=note,
    )


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
