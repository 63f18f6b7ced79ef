"""Models of the moderation app, one module per concern; import them from here."""

from moderation.models.appeals import PromptAllowance, PromptAppeal, PromptAppealDecision
from moderation.models.cases import (
    AuditEvent,
    Case,
    CaseState,
    ModerationAction,
    ModeratorGroup,
    Report,
    Strike,
)
from moderation.models.figures import PublicFigureEntry
from moderation.models.policy import BlockedTerm, Policy, RescanJob, StoredVerdict
from moderation.models.rights import RightsHolderEntry, RightsHolderImage

__all__ = [
    "AuditEvent",
    "BlockedTerm",
    "Case",
    "CaseState",
    "ModerationAction",
    "ModeratorGroup",
    "Policy",
    "PromptAllowance",
    "PromptAppeal",
    "PromptAppealDecision",
    "PublicFigureEntry",
    "Report",
    "RescanJob",
    "RightsHolderEntry",
    "RightsHolderImage",
    "StoredVerdict",
    "Strike",
]
