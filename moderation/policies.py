"""Versioned policies and the one function that turns scores into a decision.

`decide` is pure: the same scores, matches and policy give the same verdict.
That is what lets a threshold change re-decide every stored verdict without
running a model (`services.rescan_run_batch`).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from moderation.categories import CATEGORIES, RIGHTS_HOLDER
from moderation.classifiers import ALLOW, BLOCK, REVIEW
from moderation.models import Policy

# Adults. "review" holds for a moderator; "block" refuses outright.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "sexual": {"review": 0.5, "block": 0.8},
    "sexual_minors": {"review": 0.2, "block": 0.45},
    "minors_endangered": {"review": 0.4, "block": 0.7},
    "violence": {"review": 0.55, "block": 0.85},
    "self_harm": {"review": 0.4, "block": 0.75},
    "hate": {"review": 0.5, "block": 0.8},
    "harassment": {"review": 0.55, "block": 0.85},
    "public_figure": {"review": 0.6, "block": 0.9},
    "rights_holder": {"review": 0.6, "block": 0.8},
}
# Members under 18: lower on every category, and nothing sexual gets to review.
DEFAULT_TEEN_THRESHOLDS: dict[str, dict[str, float]] = {
    "sexual": {"review": 0.25, "block": 0.4},
    "sexual_minors": {"review": 0.1, "block": 0.3},
    "minors_endangered": {"review": 0.25, "block": 0.5},
    "violence": {"review": 0.35, "block": 0.6},
    "self_harm": {"review": 0.25, "block": 0.5},
    "hate": {"review": 0.35, "block": 0.6},
    "harassment": {"review": 0.4, "block": 0.65},
    "public_figure": {"review": 0.5, "block": 0.8},
    "rights_holder": {"review": 0.5, "block": 0.7},
}

_RANK = {ALLOW: 0, REVIEW: 1, BLOCK: 2}


def validate_thresholds(thresholds: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Complete and check a thresholds mapping; raises ValueError with what is wrong."""
    clean: dict[str, dict[str, float]] = {}
    unknown = set(thresholds) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories: {sorted(unknown)}")
    for category in CATEGORIES:
        entry = thresholds.get(category, DEFAULT_THRESHOLDS[category])
        try:
            review, block = float(entry["review"]), float(entry["block"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{category}: needs numeric 'review' and 'block'") from exc
        if not 0.0 <= review <= block <= 1.0:
            raise ValueError(f"{category}: need 0 <= review <= block <= 1")
        clean[category] = {"review": review, "block": block}
    return clean


def decide(
    *,
    scores: dict[str, float],
    matches: list[dict[str, Any]],
    teen: bool,
    thresholds: dict[str, dict[str, float]],
    teen_thresholds: dict[str, dict[str, float]],
    classifier_reasons: list[str] | None = None,
) -> tuple[str, list[str], list[str]]:
    """(decision, flagged categories, reasons) for scores under a policy.

    A teen is held to the stricter of the two tables per category, so a policy
    can never make teen thresholds looser than adult ones by mistake.
    """
    decision = ALLOW
    flagged: list[str] = []
    reasons: list[str] = []

    def limit(category: str, level: str) -> float:
        value = thresholds.get(category, DEFAULT_THRESHOLDS[category])[level]
        if teen:
            value = min(value, teen_thresholds.get(category, DEFAULT_TEEN_THRESHOLDS[category])[level])
        return value

    def raise_to(level: str) -> None:
        nonlocal decision
        if _RANK[level] > _RANK[decision]:
            decision = level

    for category in CATEGORIES:
        if category == RIGHTS_HOLDER:
            continue
        score = float(scores.get(category, 0.0))
        if score >= limit(category, "block"):
            raise_to(BLOCK)
        elif score >= limit(category, "review"):
            raise_to(REVIEW)
        else:
            continue
        flagged.append(category)
        reasons.append(category)

    # Rights holders decide per entry: the holder chose to block, or to allow with a label.
    for m in sorted(matches, key=lambda m: (-m["score"], m["slug"])):
        if m["score"] < limit(RIGHTS_HOLDER, "review"):
            continue
        if RIGHTS_HOLDER not in flagged:
            flagged.append(RIGHTS_HOLDER)
        if m["choice"] == "label":
            reasons.append(f"label:rights_holder:{m['slug']}")
            continue
        raise_to(BLOCK if m["score"] >= limit(RIGHTS_HOLDER, "block") else REVIEW)
        reasons.append(f"rights_holder:{m['slug']}")

    for reason in classifier_reasons or []:
        # Classifier reasons (e.g. a blocklist term) only explain categories that were flagged.
        term_category = reason.split(":", 1)[1] if reason.startswith("term:") else None
        if term_category in flagged and reason not in reasons:
            reasons.append(reason)
    return decision, flagged, reasons


GENERAL, MATURE = "general", "mature"


def output_rating(
    *,
    scores: dict[str, float],
    thresholds: dict[str, dict[str, float]],
    teen_thresholds: dict[str, dict[str, float]],
) -> str:
    """ "mature" when any category scores at or above the teen review threshold, else "general".

    An output that passed the adult checks may still be one a teen's own
    checks would hold: that is exactly what "mature" means, so teens never
    see what only passed adult thresholds. The teen limit is the stricter of
    the two tables, as in `decide`. Rights holders are left out: they are
    decided per holder, not by a score of the content.
    """
    for category in CATEGORIES:
        if category == RIGHTS_HOLDER:
            continue
        limit = min(
            thresholds.get(category, DEFAULT_THRESHOLDS[category])["review"],
            teen_thresholds.get(category, DEFAULT_TEEN_THRESHOLDS[category])["review"],
        )
        if float(scores.get(category, 0.0)) >= limit:
            return MATURE
    return GENERAL


def active_policy() -> Policy:
    """The active policy row; the first call on an empty database stores v1 from the defaults."""
    policy = Policy.objects.filter(active=True).first()
    if policy is not None:
        return policy
    try:
        with transaction.atomic():
            return Policy.objects.create(
                version=1,
                thresholds=DEFAULT_THRESHOLDS,
                teen_thresholds=DEFAULT_TEEN_THRESHOLDS,
                note="defaults",
                active=True,
            )
    except IntegrityError:
        # Another process stored v1 first.
        return Policy.objects.get(active=True)
