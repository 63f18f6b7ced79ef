"""The one place that shapes moderation output: API bodies and WebSocket events."""

from __future__ import annotations

from typing import Any

from moderation.models import Report, Strike


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
