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


def notice_payload(*, category: str, reason: str) -> dict[str, Any]:
    """The notification a member gets when warned or struck (kinds `moderation.warn` / `moderation.strike`)."""
    return {"category": category, "reason": reason}


def outcome_payload(*, ref: Any, action: str, category: str, label: str) -> dict[str, Any]:
    """The owner's notification when a moderator acted on their content (kind `moderation.outcome`)."""
    body: dict[str, Any] = {
        "action": action,
        "subject_kind": ref.kind,
        "subject_id": str(ref.id),
        "category": category,
    }
    if label:
        body["label"] = label
    return body


# What a reporter is told: reviewed, and whether action was taken. Not which
# action, not the reported member's account state: those are the reported
# member's business (and telling them would turn reports into a probe).
REPORT_OUTCOMES = {"upheld": "action_taken", "dismissed": "no_violation_found"}


def report_outcome_payload(*, report_id: int, subject_kind: str, outcome: str) -> dict[str, Any]:
    """The reporter's notification when their report's case is decided (kind `moderation.report_outcome`)."""
    return {"report_id": str(report_id), "subject_kind": subject_kind, "outcome": REPORT_OUTCOMES[outcome]}


def strike_decided_payload(strike: Any) -> dict[str, Any]:
    """The member's notification when their strike appeal is decided (kind `moderation.strike_decided`)."""
    return {"strike_id": str(strike.id), "category": strike.category, "decision": strike.state}


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


def appeal_decided_payload(appeal: PromptAppeal) -> dict[str, Any]:
    """The member's notification when their prompt appeal is decided (kind `moderation.appeal_decided`)."""
    return {
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
