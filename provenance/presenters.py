"""The dicts that leave the provenance app (the lookup's answer). No queries here."""

from __future__ import annotations

from typing import Any

from provenance.services import Answer


def lookup_out(answer: Answer, *, staff: bool) -> dict[str, Any]:
    matches = []
    for m in answer.matches:
        item: dict[str, Any] = {
            "post_id": str(m.post.post_id) if m.post else None,
            "confidence": m.confidence,
            "signals": m.signals,
        }
        if staff:
            item["staff"] = {
                "generation_id": str(m.job_id),
                "post_state": m.post.state if m.post else None,
                "post_visibility": m.post.visibility if m.post else None,
                "detail": m.detail,
            }
        matches.append(item)
    return {
        "found": bool(matches),
        "method": answer.method,
        "media": answer.media,
        "ai_generated_here": bool(matches),
        "matches": matches,
    }
