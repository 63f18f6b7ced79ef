"""The checks a job passes, as explicit ordered lists of steps, each calling the app that owns it.

Three points in a job's life, in order:

- `PROMPT_CHECKS` run in `checking_prompt`, before any GPU time (rule 4):
  the prompt classifier, and for image-to-video the refusal of photos of
  real people.
- `OUTPUT_CHECKS` run in `checking_output` on the rendered frames, before a
  draft exists (rules 3 and 4): frame classifiers and likeness detection.
- `STORE_CHECKS` run in `finishing`, just before the output is stored
  (rule 1): consent for every cast cameo, again.

Consent at submit is `consent_at_submit`, inside the accepting transaction.

A step is a function `(job, payload) -> Outcome`. The first outcome that is
not `allow` decides: `block` ends the job `blocked` with the outcome's reason
and keeps no output; `cancel` ends it `cancelled` (withdrawn consent).
A step whose app does not provide its function yet is absent from its list,
with a comment naming what plugs in there: a missing check is visible here
and on /readyz, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sora_social.common.errors import ApplicationError

ALLOW, REVIEW, BLOCK, CANCEL = "allow", "review", "block", "cancel"


@dataclass(frozen=True)
class Outcome:
    decision: str
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Any, dict[str, Any]], Outcome]


# --- before any rendering ------------------------------------------------------
PROMPT_CHECKS: list[Step] = [
    # moderation.services.check_prompt(*, text, user, subject) -> Verdict plugs in here
    # (decision block -> blocked_reason from the verdict's reasons).
    # cameos.services.face_detect(*, image) plugs in here for image mode: a still
    # with a detected real face -> blocked `real_person_image_not_allowed`.
]

# --- after rendering, before a draft exists ------------------------------------
OUTPUT_CHECKS: list[Step] = [
    # moderation.services.check_frames(*, frames, user, subject) -> Verdict plugs in here.
    # cameos.services.detect_likeness(*, frames) plugs in here: a likeness not cast
    # with consent -> blocked `uncast_likeness`.
]

# --- just before storing --------------------------------------------------------
STORE_CHECKS: list[Step] = [
    # cameos.selectors.usable_cameo_ids(*, user_id, cameo_ids) plugs in here:
    # consent withdrawn since submit -> cancelled `cameo_consent_withdrawn`.
]


def run_steps(steps: list[Step], job: Any, payload: dict[str, Any]) -> tuple[Outcome, dict[str, Any]]:
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

    The consent selector belongs to the cameos app
    (`cameos.selectors.usable_cameo_ids`). Until it exists no consent can be
    shown, so casting is refused outright rather than assumed.
    """
    if not cameo_ids:
        return
    raise ApplicationError(
        "Casting cameos is not available yet.", code="cameo_casting_unavailable", status=503
    )


def wired() -> dict[str, list[str]]:
    """Which steps are in place at each point (for /readyz and the admin)."""
    return {
        "prompt": [s.name for s in PROMPT_CHECKS],
        "output": [s.name for s in OUTPUT_CHECKS],
        "store": [s.name for s in STORE_CHECKS],
    }
