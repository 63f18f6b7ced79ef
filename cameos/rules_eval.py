"""Measuring the free-text rule check on the labelled set `cameos/eval/rules.jsonl`.

Rows are (rule, prompt, violates?) with a `split`: the threshold is chosen on
`train` (best F1; on a tie the higher threshold, fewer false refusals) and
reported on `test`, whose rules were never looked at while choosing.
`manage.py cameos_rules_eval` prints both; `tests/cameos/test_rules_eval.py`
checks the shipped threshold and the published figures still hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cameos import rules as cameo_rules

EVAL_PATH = Path(__file__).resolve().parent / "eval" / "rules.jsonl"
GRID = [round(float(x), 2) for x in np.arange(0.20, 0.80, 0.01)]


@dataclass(frozen=True)
class Metrics:
    threshold: float
    n: int
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "false_positive_rate": round(self.false_positive_rate, 3),
            "f1": round(self.f1, 3),
        }


def load(path: Path = EVAL_PATH) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def scored(rows: list[dict[str, Any]], embed: Callable[[list[str]], np.ndarray]) -> list[tuple[float, float]]:
    """Per row: (best clause score, that clause's keyword share)."""
    out = []
    for row in rows:
        found = cameo_rules.clauses(row["rule"])
        per_clause = cameo_rules.clause_scores(row["prompt"], found, embed)
        best = max(per_clause, key=lambda c: (c[1], c[2]), default=None)
        shares = [c[2] for c in per_clause]
        out.append((best[1] if best else 0.0, max(shares, default=0.0)))
    return out


def measure(rows: list[dict[str, Any]], scores: list[tuple[float, float]], threshold: float) -> Metrics:
    tp = fp = tn = fn = 0
    for row, (score, share) in zip(rows, scores, strict=True):
        said = cameo_rules.free_text_violated(score, share, with_model=True, threshold=threshold)
        if said and row["violates"]:
            tp += 1
        elif said:
            fp += 1
        elif row["violates"]:
            fn += 1
        else:
            tn += 1
    return Metrics(threshold=threshold, n=len(rows), tp=tp, fp=fp, tn=tn, fn=fn)


def evaluate(embed: Callable[[list[str]], np.ndarray], path: Path = EVAL_PATH) -> dict[str, Any]:
    """Choose the threshold on train, report it on train and test, and the shipped one on test."""
    rows = load(path)
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    train_scores, test_scores = scored(train, embed), scored(test, embed)
    best = max(
        (measure(train, train_scores, t) for t in GRID),
        key=lambda m: (round(m.f1, 6), m.threshold),
    )
    return {
        "chosen_threshold": best.threshold,
        "train": best.as_dict(),
        "test": measure(test, test_scores, best.threshold).as_dict(),
        "shipped_threshold": cameo_rules.FREE_TEXT_THRESHOLD,
        "shipped_test": measure(test, test_scores, cameo_rules.FREE_TEXT_THRESHOLD).as_dict(),
    }
