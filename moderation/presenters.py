"""The one place that shapes moderation output: API bodies and WebSocket events."""

from __future__ import annotations

from typing import Any

from moderation.models import PromptAppeal, PromptAppealDecision, Report, Strike


def report_out(report: Report) -> dict[str, Any]:
    """A report as the API returns it (POST /api/v1/reports)."""
    return {
        "id": str(report.id),
        "target_kind": report.subject_kind,
        "target_id": str(report.subject_id),
        "reason": report.reason,
        "case_id": str(report.case_id),
        "created_at": report.created_at.isoformat(),
    }


def strike_out(strike: Strike) -> dict[str, Any]:
    """A strike as its member sees it (GET /api/v1/me/strikes, the appeal's answer)."""
    return {
        "id": str(strike.id),
        "category": strike.category,
        "reason": strike.reason,
        "state": strike.state,
        "created_at": strike.created_at.isoformat(),
        "appeal_deadline": strike.appeal_deadline.isoformat(),
        "appealed_at": strike.appealed_at.isoformat() if strike.appealed_at else None,
        "decided_at": strike.decided_at.isoformat() if strike.decided_at else None,
    }


def notice_event(*, action: str, category: str, reason: str) -> dict[str, Any]:
    """The WebSocket event a member gets when warned or struck (`moderation.warn` / `moderation.strike`)."""
    return {"type": f"moderation.{action}", "category": category, "reason": reason}


def prompt_appeal_out(appeal: PromptAppeal) -> dict[str, Any]:
    """A prompt appeal as its member sees it (POST /api/v1/generations/{id}/appeal)."""
    return {
        "id": str(appeal.id),
        "generation_id": str(appeal.subject_id),
        "state": appeal.state,
        "note": appeal.note,
        "created_at": appeal.created_at.isoformat(),
        "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
    }


def appeal_decided_event(appeal: PromptAppeal) -> dict[str, Any]:
    """The WebSocket event a member gets when their prompt appeal is decided (`moderation.appeal_decided`)."""
    return {
        "type": "moderation.appeal_decided",
        "appeal_id": str(appeal.id),
        "subject_kind": appeal.subject_kind,
        "subject_id": str(appeal.subject_id),
        "decision": appeal.state,
    }


def appeal_decision_row(decision: PromptAppealDecision) -> dict[str, Any]:
    """One decided appeal as a row of the eval set's JSONL (moderation/eval/README.md), plus the decision.

    Label `benign` when the block was overturned, else the first flagged category.
    Appeals are training data only: split `train`, style and variant `appeal`.
    """
    overturned = decision.decision == PromptAppeal.State.OVERTURNED
    flagged = list(decision.flagged or [])
    return {
        "id": f"appeal-{decision.id}",
        "text": decision.prompt,
        "label": "benign" if overturned else (flagged[0] if flagged else "other"),
        "style": "appeal",
        "lang": "",
        "theme": "",
        "split": "train",
        "group": f"appeal-{decision.appeal_id or decision.id}",
        "variant": "appeal",
        "obfuscation": None,
        "decision": decision.decision,
        "flagged": flagged,
        "moderator": decision.moderator.get_username() if decision.moderator else None,
        "decided_at": decision.created_at.isoformat(),
    }
