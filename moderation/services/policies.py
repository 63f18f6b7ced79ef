"""Policies: publishing a new threshold version, which starts a rescan under it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moderation.models import Policy, RescanJob, StoredVerdict
from moderation.policies import active_policy, validate_thresholds
from moderation.services.audit import audit
from sora_social.accounts.models import User
from sora_social.common.errors import ValidationFailed
from sora_social.common.tasks import enqueue_on_commit


@transaction.atomic
def policy_publish(
    *,
    actor: User | None,
    thresholds: dict[str, Any],
    teen_thresholds: dict[str, Any],
    note: str = "",
    rescan_block_action: str = "review",
) -> Policy:
    """Store a new policy version, make it the active one, and start a rescan under it."""
    try:
        adult, teen = validate_thresholds(thresholds), validate_thresholds(teen_thresholds)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="bad_thresholds") from exc
    if rescan_block_action not in ("review", "hide"):
        raise ValidationFailed(details={"rescan_block_action": ["review or hide"]})
    current = active_policy()
    Policy.objects.select_for_update().filter(pk=current.pk).update(active=False)
    policy = Policy.objects.create(
        version=current.version + 1,
        thresholds=adult,
        teen_thresholds=teen,
        note=note[:300],
        rescan_block_action=rescan_block_action,
        active=True,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    job = RescanJob.objects.create(policy=policy, total=StoredVerdict.objects.count())
    audit(event="policy.published", actor=actor, reason=note, policy=policy.label, rescan_id=str(job.id))
    enqueue_on_commit("moderation.rescan_batch", job_id=job.id)
    return policy
