"""The checks a job passes, as explicit ordered lists of steps, each calling the app that owns it.

Three points in a job's life, in order:

- `PROMPT_CHECKS` run in `checking_prompt`, before any GPU time (rule 4):
  moderation's prompt classifiers, the same check on each dialogue line the
  prompt would have spoken or sung (`generation.dialogue`), the same on each storyboard
  shot's prompt, the cast cameos' owner rules (classifier
  scores at each cameo's thresholds, free-text similarity), and for
  image-to-video cameos' face detector (a photo of a real person is refused).
- `OUTPUT_CHECKS` run in `checking_output` on the rendered frames, before a
  draft exists (rules 3 and 4): moderation's frame classifiers, then cameos'
  likeness detection against the cameo registry and the public-figure gallery,
  and the prompt check on the transcript of the produced speech when the
  backend returns one (`RenderResult.transcript`).
- `STORE_CHECKS` run in `finishing`, inside the transaction that makes the job
  `ready` (rule 1): consent for every cast cameo, again, holding each cameo
  row FOR KEY SHARE so a concurrent revocation waits for us and then sees the
  job; then the owner rules as they are now, and approvals of this job.

Consent at submit is `consent_at_submit`, inside the accepting transaction;
owner rules at submit are `rules_at_submit` (their words only: the web tier
loads no model).

A step is a function `(job, payload) -> Outcome`. The first outcome that is
not `allow` decides: `block` ends the job `blocked` with the outcome's reason
and keeps no output; `cancel` ends it `cancelled` (withdrawn consent). A
moderation verdict of `review` also stops the job (`held_for_review`): the
verdict opened a case, and nothing unreviewed becomes a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cameos.rules import APPROVAL_REQUIRED, RESTRICTIONS
from cameos.rules import Violation as RuleViolation
from cameos.selectors import may_cast, usable_cameo_ids
from cameos.services import (
    approval_missing,
    cast_rules_check,
    detect_likeness,
    face_detect,
    output_faces_erase,
    rule_attempts_record,
)
from generation.dialogue import dialogue_lines
from generation.models import GenerationJob
from moderation.selectors import prompt_allowed
from moderation.services import check_frames, check_prompt, content_rating
from sora_social.accounts.models import User
from sora_social.common.errors import Forbidden

ALLOW, BLOCK, CANCEL = "allow", "block", "cancel"
RULE_VIOLATION = "cameo_rule_violation"
SUBJECT_KIND = "generation"
# Blocks a member may appeal (POST /generations/{id}/appeal): the prompt checks' own.
PROMPT_BLOCK_REASONS = ("prompt_not_allowed", "dialogue_not_allowed")
LIKENESS_FRAMES = 6


@dataclass(frozen=True)
class Outcome:
    decision: str
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[GenerationJob, dict[str, Any]], Outcome]


def _from_verdict(verdict: Any, default_reason: str) -> Outcome:
    detail = {"verdict": verdict.as_dict()}
    if verdict.decision == "allow":
        return Outcome(ALLOW, detail=detail)
    if verdict.decision == "review":
        return Outcome(BLOCK, "held_for_review", detail)
    flagged = verdict.flagged[0] if verdict.flagged else ""
    return Outcome(BLOCK, f"{default_reason}:{flagged}" if flagged else default_reason, detail)


def _user(job: GenerationJob) -> User:
    return job.user


# --- before any rendering ------------------------------------------------------


def prompt_safety(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    if not job.prompt:
        return Outcome(ALLOW, detail={"skipped": "no prompt"})
    verdict = check_prompt(text=job.prompt, user=_user(job), subject=(SUBJECT_KIND, job.id))
    return _from_verdict(verdict, "prompt_not_allowed")


def _lines_safety(job: GenerationJob, lines: list[str], default_reason: str) -> Outcome:
    """The prompt check on each line on its own; the first line that does not pass decides."""
    for index, line in enumerate(lines):
        verdict = check_prompt(text=line, user=_user(job), subject=(SUBJECT_KIND, job.id))
        outcome = _from_verdict(verdict, default_reason)
        if outcome.decision != ALLOW:
            return Outcome(
                outcome.decision, outcome.reason, {**outcome.detail, "line": index, "lines": len(lines)}
            )
    return Outcome(ALLOW, detail={"lines": len(lines)})


def dialogue_safety(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    """Each line the prompt would have spoken or sung passes the prompt check on its own (audio).

    A prompt a moderator allowed on appeal for this member is not re-checked line by line.
    """
    lines = dialogue_lines(job.prompt or "")
    if not lines:
        return Outcome(ALLOW, detail={"skipped": "no dialogue"})
    if prompt_allowed(job.user_id, job.prompt):
        return Outcome(ALLOW, detail={"skipped": "allowed on appeal"})
    return _lines_safety(job, lines, "dialogue_not_allowed")


def shots_safety(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    """Each storyboard shot's prompt passes the prompt check on its own (as the shot is rendered)."""
    shots = [str(s.get("prompt", "")) for s in job.storyboard or []]
    if not shots:
        return Outcome(ALLOW, detail={"skipped": "no storyboard"})
    if prompt_allowed(job.user_id, job.prompt):
        return Outcome(ALLOW, detail={"skipped": "allowed on appeal"})
    outcome = _lines_safety(job, shots, "prompt_not_allowed")
    if outcome.decision != ALLOW:
        detail = {**outcome.detail, "shot": outcome.detail.get("line")}
        return Outcome(outcome.decision, outcome.reason, detail)
    return Outcome(ALLOW, detail={"shots": len(shots)})


def blocking_verdict_id(job: GenerationJob) -> int | None:
    """The stored verdict of the prompt-check step that blocked the job, if any."""
    record = (job.checks or {}).get("prompt") or {}
    for name in ("moderation.check_prompt", "moderation.check_dialogue", "moderation.check_shots"):
        step = record.get(name) or {}
        verdict_id = (step.get("verdict") or {}).get("verdict_id")
        if step.get("decision") == BLOCK and verdict_id:
            return int(verdict_id)
    return None


def no_real_person_in_image(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    image = payload.get("image")
    if image is None:
        return Outcome(ALLOW, detail={"skipped": "no image"})
    faces = face_detect(image=image)
    if faces:
        return Outcome(BLOCK, "real_person_image_not_allowed", {"faces": len(faces)})
    return Outcome(ALLOW, detail={"faces": 0})


def _rule_outcome(job: GenerationJob, violations: list[Any], stage: str) -> Outcome:
    rule_attempts_record(violations=violations, actor_id=job.user_id, prompt=job.prompt, stage=stage)
    first = violations[0]
    return Outcome(
        BLOCK,
        RULE_VIOLATION,
        {**first.as_details(), "violations": [{**v.as_details(), **v.evidence} for v in violations]},
    )


def owner_rules(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    """The cast cameos' owner rules, with the classifiers and the free-text similarity (rules 1, 3)."""
    violations = cast_rules_check(
        user_id=job.user_id, cameo_ids=list(job.cameo_ids), prompt=job.prompt, with_models=True
    )
    if violations:
        return _rule_outcome(job, violations, "prompt_check")
    return Outcome(ALLOW, detail={"cameos": [str(c) for c in job.cameo_ids]})


PROMPT_CHECKS: list[Step] = [
    Step("moderation.check_prompt", prompt_safety),
    Step("moderation.check_dialogue", dialogue_safety),
    Step("moderation.check_shots", shots_safety),
    Step("cameos.rules", owner_rules),
    Step("cameos.face_detect", no_real_person_in_image),
]


# --- after rendering, before a draft exists ------------------------------------


def frame_safety(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    verdict = check_frames(
        frames=list(payload["frames"]), user=_user(job), subject=(SUBJECT_KIND, job.id), fps=job.fps
    )
    outcome = _from_verdict(verdict, "output_not_allowed")
    # The rating is decided here, from the same scores, against the teen
    # thresholds: the feed stores it on the post and keeps mature posts from teens.
    return Outcome(
        outcome.decision, outcome.reason, {**outcome.detail, "rating": content_rating(scores=verdict.scores)}
    )


def likeness(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    """Faces in the output must be cameos cast with consent; never a protected public figure."""
    frames = payload["frames"]
    count = min(LIKENESS_FRAMES, len(frames))
    picks = np.unique(np.linspace(0, len(frames) - 1, count).round().astype(int))
    report = detect_likeness(frames=[frames[i] for i in picks], subject=(SUBJECT_KIND, job.id))
    seen = sorted(report.cameos)
    detail = {"faces": report.faces, "cameos_seen": [str(c) for c in seen]}
    outcome = Outcome(ALLOW, detail=detail)
    if report.public_figures:
        outcome = Outcome(BLOCK, "public_figure_likeness", detail)
    elif any(c not in job.cameo_ids for c in seen):
        outcome = Outcome(BLOCK, "uncast_likeness", detail)
    if outcome.decision != ALLOW:
        # A blocked output keeps nothing, its face embeddings included.
        output_faces_erase(kind=SUBJECT_KIND, object_ids=[job.id])
    return outcome


def transcript_safety(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    """The produced speech, as the backend transcribed it, passes the prompt check line by line."""
    transcript = payload.get("transcript")
    if not transcript or not str(transcript).strip():
        return Outcome(ALLOW, detail={"skipped": "no speech"})
    lines = [line.strip() for line in str(transcript).splitlines() if line.strip()]
    return _lines_safety(job, lines, "speech_not_allowed")


OUTPUT_CHECKS: list[Step] = [
    Step("moderation.check_frames", frame_safety),
    Step("moderation.check_transcript", transcript_safety),
    Step("cameos.detect_likeness", likeness),
]


# --- inside the transaction that stores the output ------------------------------


def consent_still_given(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    withdrawn = [c for c in job.cameo_ids if not may_cast(user_id=job.user_id, cameo_id=c, lock=True)]
    if withdrawn:
        return Outcome(CANCEL, "cameo_consent_withdrawn", {"cameos": [str(c) for c in withdrawn]})
    return Outcome(ALLOW, detail={"cameos": [str(c) for c in job.cameo_ids]})


def owner_rules_still_kept(job: GenerationJob, payload: dict[str, Any]) -> Outcome:
    """Before storing: the owners' rules as they are now (tightened since submit?), and for
    owners who approve every use, their approval of this generation."""
    cameo_ids = list(job.cameo_ids)
    violations = cast_rules_check(
        user_id=job.user_id, cameo_ids=cameo_ids, prompt=job.prompt, with_models=True
    )
    unapproved = approval_missing(
        user_id=job.user_id, cameo_ids=cameo_ids, kind=SUBJECT_KIND, object_id=job.id
    )
    violations += [
        RuleViolation(c, APPROVAL_REQUIRED, RESTRICTIONS[APPROVAL_REQUIRED].label) for c in unapproved
    ]
    if violations:
        return _rule_outcome(job, violations, "store")
    return Outcome(ALLOW, detail={"cameos": [str(c) for c in cameo_ids]})


STORE_CHECKS: list[Step] = [
    Step("cameos.may_cast", consent_still_given),
    Step("cameos.rules", owner_rules_still_kept),
]


def output_rating(record: dict[str, Any]) -> str:
    """The output's rating from the steps' records: mature when any step rated it so.

    A record without any rating (no frame check wired) is mature: nothing
    unrated reaches teens.
    """
    ratings = [r.get("rating") for r in record.values() if isinstance(r, dict) and "rating" in r]
    if not ratings or "mature" in ratings:
        return "mature"
    return "general"


def run_steps(
    steps: list[Step], job: GenerationJob, payload: dict[str, Any]
) -> tuple[Outcome, dict[str, Any]]:
    """Run steps in order; stop at the first that does not allow. Returns it and every step's record."""
    record: dict[str, Any] = {}
    for step in steps:
        outcome = step.run(job, payload)
        record[step.name] = {"decision": outcome.decision, "reason": outcome.reason, **outcome.detail}
        if outcome.decision != ALLOW:
            return outcome, record
    return Outcome(ALLOW), record


def consent_at_submit(*, user_id: int, cameo_ids: list[int]) -> None:
    """Refuse a request casting any cameo its requester may not use now (rule 1).

    Call inside the accepting transaction: each cameo row is held FOR KEY
    SHARE until commit, so a revocation racing this submit either happens
    first (and we refuse) or waits and then cancels the accepted job.
    Unknown cameos and cameos without consent answer alike, so ids do not leak.
    """
    refused = [c for c in cameo_ids if not may_cast(user_id=user_id, cameo_id=c, lock=True)]
    if refused:
        raise Forbidden(
            "You may not cast these cameos.",
            code="cameo_consent_required",
            details={"cameos": [str(c) for c in refused]},
        )


def rules_at_submit(*, user_id: int, cameo_ids: list[int], prompt: str) -> None:
    """Refuse at once (403 `cameo_rule_violation`) a prompt whose words break a cast cameo's
    owner rules; the owner is told. Words only: the classifiers and the free-text
    similarity run moments later in `checking_prompt` (workers), before any GPU time.

    Only cameos the requester may cast are looked at: an owner is not told of
    attempts by people refused for want of consent anyway.
    """
    usable = usable_cameo_ids(user_id=user_id, cameo_ids=cameo_ids)
    ordered = [c for c in cameo_ids if c in usable]
    violations = cast_rules_check(user_id=user_id, cameo_ids=ordered, prompt=prompt, with_models=False)
    if not violations:
        return
    rule_attempts_record(violations=violations, actor_id=user_id, prompt=prompt, stage="submit")
    first = violations[0]
    raise Forbidden(
        f"The owner of this cameo does not allow it here: {first.label}.",
        code=RULE_VIOLATION,
        details={**first.as_details(), "violations": [v.as_details() for v in violations]},
    )


def approvals_needed(job: GenerationJob) -> list[int]:
    """Cast cameos whose owners must approve this generation before it renders."""
    return approval_missing(
        user_id=job.user_id, cameo_ids=list(job.cameo_ids), kind=SUBJECT_KIND, object_id=job.id
    )


def wired() -> dict[str, list[str]]:
    """Which steps are in place at each point (for /readyz and the admin)."""
    return {
        "prompt": [s.name for s in PROMPT_CHECKS],
        "output": [s.name for s in OUTPUT_CHECKS],
        "store": [s.name for s in STORE_CHECKS],
    }
