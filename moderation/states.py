"""The moderation case state machine, declared once (the engine is `sora_social.common.states`).

A case opens (from a report, a classifier verdict or a moderator), may be
assigned, handed back or escalated, and is resolved by an action. A resolved
case can be appealed (through a strike appeal) and then goes back to work or is
resolved again, so no state is terminal. Every move goes through
`moderation.services.cases.case_move`, which calls `transition()`.
"""

from __future__ import annotations

from moderation.models import CaseState
from sora_social.common.states import Machine

CASE_MACHINE = Machine(
    name="moderation.case",
    states=CaseState,
    initial=CaseState.OPEN,
    moves={
        CaseState.OPEN: {CaseState.ASSIGNED, CaseState.ESCALATED, CaseState.RESOLVED},
        CaseState.ASSIGNED: {CaseState.OPEN, CaseState.ESCALATED, CaseState.RESOLVED},
        CaseState.ESCALATED: {CaseState.ASSIGNED, CaseState.RESOLVED},
        CaseState.RESOLVED: {CaseState.APPEALED},
        CaseState.APPEALED: {CaseState.ASSIGNED, CaseState.RESOLVED},
    },
    terminal=(),
)
