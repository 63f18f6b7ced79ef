"""Classifier checks: score prompts and frames, decide under the active policy, store, audit.

Rule classifiers (blocklist, rights-holder names) need no model and are always
on; model classifiers come from `moderation.classifiers.loader`, which keeps
torch and open_clip imports inside functions.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from moderation import registry
from moderation.categories import CATEGORIES
from moderation.classifiers import REVIEW, Scores, Verdict, loader
from moderation.classifiers.blocklist import BlocklistClassifier
from moderation.classifiers.lexicons import LexiconClassifier
from moderation.classifiers.names import RegistryNameClassifier
from moderation.classifiers.voice import VoiceImitationDetector
from moderation.models import AuditEvent, Case, StoredVerdict
from moderation.policies import active_policy, decide, output_rating
from moderation.selectors.appeals import prompt_allowed
from moderation.services.cases import case_for_verdict
from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_is_teen
from sora_social.common.errors import ApplicationError, ValidationFailed

logger = logging.getLogger(__name__)

SubjectArg = tuple[str, int] | registry.SubjectRef | None

# Rule classifiers need no model: they are always on.
_blocklist = BlocklistClassifier()
_voice = VoiceImitationDetector()  # "in the voice of <a real person>"
_registry_names = RegistryNameClassifier()  # the public-figure and rights-holder registries
_lexicons = LexiconClassifier()  # per-language terms, by identified language


def classifiers_ready() -> tuple[bool, dict[str, dict[str, Any]]]:
    """(every configured classifier loaded or loadable, state per classifier). Loads nothing."""
    states = loader.status()
    ok = all(entry["state"] not in (loader.MISSING, loader.FAILED) for entry in states.values())
    return ok, states


def _require(kind: str) -> list[Any]:
    loaded, broken = loader.classifiers(kind)
    if broken:
        if settings.SAFETY_FAIL_CLOSED:
            raise ApplicationError(
                "Safety checks are unavailable, so nothing can be generated right now.",
                code="safety_unavailable",
                status=503,
                details={"unavailable": broken},
            )
        logger.warning("checking %s without unavailable classifiers: %s", kind, ", ".join(broken))
    return loaded


def _subject(subject: SubjectArg) -> registry.SubjectRef | None:
    if subject is None or isinstance(subject, registry.SubjectRef):
        return subject
    kind, object_id = subject
    return registry.SubjectRef(kind=str(kind), id=int(object_id))


def _store(
    *, kind: str, result: Scores, user: User | None, subject: SubjectArg, text: str = "", frame_count: int = 0
) -> Verdict:
    ref = _subject(subject)
    member = user if user is not None and getattr(user, "pk", None) else None
    teen = user_is_teen(user=member) if member is not None else False
    policy = active_policy()
    decision, flagged, reasons = decide(
        scores=result.scores,
        matches=result.matches,
        teen=teen,
        thresholds=policy.thresholds,
        teen_thresholds=policy.teen_thresholds,
        classifier_reasons=result.reasons,
    )
    scores = {c: round(float(result.scores.get(c, 0.0)), 4) for c in CATEGORIES}
    with transaction.atomic():
        row = StoredVerdict.objects.create(
            kind=kind,
            subject_kind=ref.kind if ref else "",
            subject_id=ref.id if ref else None,
            user=member,
            teen=teen,
            text=text[:4000],
            frame_count=frame_count,
            scores=scores,
            matches=result.matches[:20],
            model_ids=result.model_ids,
            decision=decision,
            flagged=flagged,
            reasons=reasons,
            policy_version=policy.label,
        )
        case: Case | None = None
        if decision == REVIEW and ref is not None:
            case = case_for_verdict(ref=ref, verdict=row, flagged=flagged)
        AuditEvent.objects.create(
            event=f"automated.{kind}",
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            case=case,
            reason=",".join(reasons),
            data={"verdict_id": str(row.id), "decision": decision, "policy": policy.label},
        )
    return Verdict(
        decision=decision,
        scores=scores,
        flagged=flagged,
        policy_version=policy.label,
        model_ids=dict(result.model_ids),
        reasons=reasons,
        verdict_id=row.id,
    )


def check_prompt(*, text: str, user: User | None = None, subject: SubjectArg = None) -> Verdict:
    """Score a prompt with every configured text classifier, decide, store, audit.

    Raises ApplicationError(code="safety_unavailable", status=503) when a
    configured classifier is missing and SAFETY_FAIL_CLOSED is on.
    """
    if user is not None and prompt_allowed(user.pk, text):
        # A moderator overturned this member's block of this very prompt on appeal.
        allowed = Scores(model_ids={"appeal_allowance": "overturned"})
        return _store(kind=StoredVerdict.Kind.PROMPT, result=allowed, user=user, subject=subject, text=text)
    result = score_prompts([text])[0]
    return _store(kind=StoredVerdict.Kind.PROMPT, result=result, user=user, subject=subject, text=text)


def score_prompts(texts: list[str]) -> list[Scores]:
    """Every prompt classifier's merged scores per text, in one batch per classifier; stores nothing.

    This is the scoring `check_prompt` runs; `manage.py safety_eval` runs it
    over the evaluation set and decides with `policies.decide`, as `check_prompt` does."""
    models = _require("text")
    results = [Scores() for _ in texts]
    if not texts:
        return results
    for classifier in (_blocklist, _registry_names, _voice, _lexicons, *models):
        for i, scored in enumerate(classifier.score_texts(list(texts))):
            results[i] = results[i].merge(scored)
    return results


def prompt_scores(*, text: str) -> dict[str, float]:
    """Every text classifier's category scores for a prompt, rule-only categories included
    (`categories.RULE_CATEGORIES`); decides and stores nothing.

    For checks that apply their own thresholds: a cameo owner's rules
    (cameos/rules.py). Fails closed like `check_prompt`.
    """
    models = _require("text")
    result = Scores()
    for classifier in (_blocklist, *models):
        result = result.merge(classifier.score_texts([text])[0])
    return dict(result.scores)


def message_scores(*, text: str) -> dict[str, float]:
    """The rule-based text checks for conversation (direct messages): the blocklist and the
    per-language lexicons, by identified language; decides and stores nothing.

    The trained prompt heads are left out on purpose: they learned generation
    prompts, and on short chat they score far outside what they were fitted on
    ("Yes! The storm waves were unreal" scores 0.94 public_figure and 0.92 hate),
    so they would refuse ordinary conversation. Rule-based checks have no such
    drift (tests/moderation/test_message_scores.py).
    """
    result = Scores()
    for classifier in (_blocklist, _lexicons):
        result = result.merge(classifier.score_texts([text])[0])
    return dict(result.scores)


def text_embedder() -> Callable[..., Any] | None:
    """The configured sentence-embedding function (texts → L2-normalised rows), or None when off."""
    loaded, _broken = loader.classifiers("text")
    for classifier in loaded:
        if getattr(classifier, "name", "") == "prompt_embeddings":
            embed: Callable[..., Any] = classifier.embed
            return embed
    return None


def sample_frames(
    frames: list[np.ndarray], *, fps: float | None = None, limit: int | None = None
) -> list[np.ndarray]:
    """Evenly spaced frames: about one per second when fps is known, never more than `limit`."""
    limit = limit or settings.SAFETY_MAX_FRAMES
    count = len(frames)
    if count == 0:
        return []
    wanted = limit
    if fps and fps > 0:
        wanted = min(limit, max(1, math.ceil(count / fps)))
    wanted = min(wanted, count)
    indices = np.unique(np.linspace(0, count - 1, wanted).round().astype(int))
    return [frames[i] for i in indices]


def check_frames(
    *,
    frames: list[np.ndarray],
    user: User | None = None,
    subject: SubjectArg = None,
    fps: float | None = None,
) -> Verdict:
    """Score a clip's frames (HxWx3 uint8 RGB) in one batch per classifier, decide, store, audit."""
    for frame in frames:
        if not (isinstance(frame, np.ndarray) and frame.ndim == 3 and frame.shape[2] in (3, 4)):
            raise ValidationFailed("Frames must be HxWx3 uint8 arrays.", code="bad_frames")
    models = _require("frames")
    sampled = sample_frames(frames, fps=fps)
    result = Scores()
    for classifier in models:
        result = result.merge(classifier.score_frames(sampled))
    return _store(
        kind=StoredVerdict.Kind.FRAMES, result=result, user=user, subject=subject, frame_count=len(sampled)
    )


def content_rating(*, scores: dict[str, float]) -> str:
    """An output's rating under the active policy: "mature" when a teen's thresholds would hold it."""
    policy = active_policy()
    return output_rating(scores=scores, thresholds=policy.thresholds, teen_thresholds=policy.teen_thresholds)
