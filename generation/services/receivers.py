"""Receivers of other apps' signals (connected in `GenerationConfig.ready`): each calls one service."""

from __future__ import annotations

from typing import Any

from cameos.rules import APPROVAL_REQUIRED, RESTRICTIONS
from generation import checks
from generation.models import GenerationJob
from generation.services.removal import (
    jobs_cancel_for_deleted_cameo,
    jobs_cancel_for_revoked_cameo,
    jobs_remove_for_account,
    outputs_remove,
)
from generation.services.transitions import job_transition
from generation.states import JobState
from moderation.signals import REMOVE
from sora_social.common.tasks import enqueue_on_commit


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
    if kind == "generation" and action == REMOVE:
        outputs_remove(job_ids=[object_id], reason="removed_by_moderation")
