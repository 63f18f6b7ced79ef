"""The classifier stack behind one interface.

Every classifier turns a batch of prompts or a batch of frames into `Scores`:
a score in [0, 1] per category it knows, machine-readable reasons, rights-holder
matches and its model id. `moderation.policies.decide` turns merged scores into
a `Verdict` under the active policy. Nothing here imports torch, onnxruntime or
open_clip at module level: the web tier imports this package without them, and
models load lazily, once per process (`moderation.classifiers.loader`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

ALLOW = "allow"
REVIEW = "review"
BLOCK = "block"
DECISIONS = (ALLOW, REVIEW, BLOCK)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: what to do, and everything it was decided from."""

    decision: str
    scores: dict[str, float]
    flagged: list[str]
    policy_version: str
    model_ids: dict[str, str]
    reasons: list[str]
    verdict_id: int | None = None

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOW

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "scores": dict(self.scores),
            "flagged": list(self.flagged),
            "policy_version": self.policy_version,
            "model_ids": dict(self.model_ids),
            "reasons": list(self.reasons),
            "verdict_id": str(self.verdict_id) if self.verdict_id else None,
        }


@dataclass
class Scores:
    """One classifier's output for one input (a prompt, or a whole clip)."""

    scores: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    model_ids: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Scores) -> Scores:
        """Max per category; reasons, matches and model ids accumulate."""
        merged = dict(self.scores)
        for category, value in other.scores.items():
            merged[category] = max(merged.get(category, 0.0), float(value))
        matches = {m["slug"]: m for m in self.matches}
        for match in other.matches:
            known = matches.get(match["slug"])
            if known is None or match["score"] > known["score"]:
                matches[match["slug"]] = match
        reasons = list(self.reasons) + [r for r in other.reasons if r not in self.reasons]
        return Scores(
            scores=merged,
            reasons=reasons,
            matches=sorted(matches.values(), key=lambda m: -m["score"]),
            model_ids={**self.model_ids, **other.model_ids},
        )


class TextClassifier(Protocol):
    name: str
    model_id: str

    def score_texts(self, texts: list[str]) -> list[Scores]: ...


class FrameClassifier(Protocol):
    name: str
    model_id: str

    def score_frames(self, frames: list[Any]) -> Scores:
        """Scores for a clip: the maximum over its frames, per category."""
        ...
