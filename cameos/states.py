"""The cameos app's state machines, declared once with the common engine.

- `CAMEO_MACHINE`: a cameo's enrolment (`Cameo.state`): awaiting its recording,
  processing, then verified or rejected. A failed decode can hand it back for
  another recording.
- `REQUEST_MACHINE`: a member's request to use a cameo (`CameoRequest.state`).
- `USE_APPROVAL_MACHINE`: the owner's word on one use of a cameo whose rules ask
  to approve every video (`CameoUseApproval.state`).

Every move goes through `sora_social.common.states.transition` (one row) or
`bulk_transition` (a set); an illegal move raises `IllegalTransition`. The
models take their choices from the enums here (`cameos.models` re-exports
`CameoState`).
"""

from __future__ import annotations

from django.db import models

from sora_social.common.states import Machine


class CameoState(models.TextChoices):
    AWAITING_RECORDING = "awaiting_recording"
    PROCESSING = "processing"
    VERIFIED = "verified"
    REJECTED = "rejected"


class DecisionState(models.TextChoices):
    """A request or a use approval: pending until the owner decides."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


CAMEO_MACHINE = Machine(
    name="cameos.cameo",
    states=CameoState,
    initial=CameoState.AWAITING_RECORDING,
    moves={
        CameoState.AWAITING_RECORDING: {CameoState.PROCESSING},
        # A failed decode can hand the cameo back for another recording.
        CameoState.PROCESSING: {CameoState.VERIFIED, CameoState.REJECTED, CameoState.AWAITING_RECORDING},
        CameoState.VERIFIED: set(),
        CameoState.REJECTED: set(),
    },
    terminal={CameoState.VERIFIED, CameoState.REJECTED},
)

_DECISION_MOVES: dict[str, set[str]] = {
    DecisionState.PENDING: {DecisionState.APPROVED, DecisionState.DENIED},
    DecisionState.APPROVED: set(),
    DecisionState.DENIED: set(),
}


def _decision_machine(name: str) -> Machine:
    """An owner's decision (a request, a use approval): pending until approved or denied, once."""
    return Machine(
        name=name,
        states=DecisionState,
        initial=DecisionState.PENDING,
        moves=_DECISION_MOVES,
        terminal={DecisionState.APPROVED, DecisionState.DENIED},
        changed_at="decided_at",
    )


REQUEST_MACHINE = _decision_machine("cameos.request")
USE_APPROVAL_MACHINE = _decision_machine("cameos.use_approval")
