"""Owner rules: a cast's rules checked against a prompt, uses awaiting approval, refused attempts told."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cameos import rules as cameo_rules
from cameos.models import Cameo, CameoUseApproval
from cameos.selectors import cast_rules, use_approvals_for
from cameos.services.notifications import notify_owner
from moderation.services import prompt_scores, text_embedder
from sora_social.notifications import kinds as note_kinds
from sora_social.notifications.selectors import notifications_of_kind


def cast_rules_check(
    *, user_id: int, cameo_ids: list[int], prompt: str, with_models: bool
) -> list[cameo_rules.Violation]:
    """The owner rules of a cast that `prompt` breaks (the requester's own cameo excepted).

    `with_models=False` (web tier, at submit) checks words only; `True` (the
    workers that run the prompt checks) adds the moderation classifiers'
    scores at each cameo's thresholds and the free-text similarity.
    """
    ruled = cast_rules(user_id=user_id, cameo_ids=cameo_ids)
    if not ruled:
        return []
    scores: dict[str, float] | None = None
    embed = None
    if with_models:
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
            cameo = Cameo.objects.filter(pk=violation.cameo_id).first()
            if cameo is None:
                continue
            recent = notifications_of_kind(
                user_id=cameo.owner_id, kind=note_kinds.CAMEO_RULE_BLOCKED, target_id=cameo.pk
            ).filter(actor_id=actor_id, payload__rule=violation.rule, created_at__gte=since)
            if recent.exists():
                continue
            note = notify_owner(
                cameo,
                note_kinds.CAMEO_RULE_BLOCKED,
                actor_id=actor_id,
                data={**violation.as_details(), "prompt": prompt[:500], "stage": stage},
            )
            stored += note is not None
    return stored
