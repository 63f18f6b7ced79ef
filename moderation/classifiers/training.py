"""Fitting the prompt heads: weights on the train split, thresholds on the dev split.

Deterministic: rows in file order, gradient descent from zero, no sampling
(the seed is recorded and seeds numpy for any future stochastic step). The
test split is never read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from moderation.classifiers.heads import PromptHeads, chunks, fit_logistic
from moderation.classifiers.normalize import clean
from moderation.eval import metrics

BENIGN = metrics.BENIGN
OTHER_CATEGORY_WEIGHT = 0.3  # rows of another disallowed category are weaker negatives
TARGET_FPR = 0.01  # of the heads alone on dev benign: leaves room for the rule classifiers


def embed_rows(rows: list[dict[str, Any]], embed: Callable[[list[str]], np.ndarray]) -> list[np.ndarray]:
    """Per row, the embeddings of its chunks (the whole cleaned prompt first, then its sentences)."""
    pieces: list[str] = []
    spans = []
    for row in rows:
        parts = chunks(clean(row["text"]))
        spans.append((len(pieces), len(pieces) + len(parts)))
        pieces.extend(parts)
    vectors = embed(pieces)
    return [vectors[a:b] for a, b in spans]


def _row_probs(heads: PromptHeads, per_row: list[np.ndarray]) -> np.ndarray:
    return np.stack([heads.probabilities(v).max(axis=0) for v in per_row])


def fit_weights(rows: list[dict[str, Any]], per_row: list[np.ndarray], categories: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per category on the whole prompts, plus benign sentences as negatives."""
    x_parts, labels = [], []
    for row, vectors in zip(rows, per_row, strict=True):
        x_parts.append(vectors[0])
        labels.append(row["label"])
        if row["label"] == BENIGN:
            for v in vectors[1:]:
                x_parts.append(v)
                labels.append(BENIGN)
    x = np.stack(x_parts).astype(np.float64)
    label_arr = np.array(labels)
    weights, biases = [], []
    for category in categories:
        y = (label_arr == category).astype(np.float64)
        base = np.where(label_arr == BENIGN, 1.0, OTHER_CATEGORY_WEIGHT)
        pos = max(y.sum(), 1.0)
        neg_weight = base[y == 0].sum()
        weight = np.where(y == 1, neg_weight / pos, base)
        w, b = fit_logistic(x, y, weight)
        weights.append(w)
        biases.append(b)
    return np.stack(weights, axis=1), np.array(biases)


def fit_thresholds(
    rows: list[dict[str, Any]], probs: np.ndarray, categories: list[str], target_fpr: float = TARGET_FPR
) -> tuple[dict[str, float], dict[str, float]]:
    """Review thresholds chosen greedily on dev: lower whichever category's threshold catches the most
    disallowed dev prompts per benign dev prompt it newly flags, while the heads' false-positive rate
    (any category) stays within `target_fpr`. Block thresholds sit above every benign dev score."""
    benign = np.array([r["label"] == BENIGN for r in rows])
    bad = ~benign
    budget = int(np.floor(target_fpr * benign.sum()))
    block_at = {c: float(min(probs[benign, j].max() + 1e-4, 0.999)) if benign.any() else 0.5 for j, c in enumerate(categories)}
    thr = np.array([block_at[c] for c in categories])
    while True:
        flagged = (probs >= thr).any(axis=1)
        used = int((flagged & benign).sum())
        caught = int((flagged & bad).sum())
        best: tuple[float, int, float] | None = None
        for j in range(len(categories)):
            # Candidate thresholds: each benign score below the current one, down to what the budget allows.
            lower = np.sort(probs[benign & (probs[:, j] < thr[j]), j])[::-1][: budget - used + 1]
            for candidate in lower:
                trial = thr.copy()
                trial[j] = float(candidate) + 1e-6
                new_flags = (probs >= trial).any(axis=1)
                cost = int((new_flags & benign).sum()) - used
                gain = int((new_flags & bad).sum()) - caught
                if used + cost > budget or gain <= 0:
                    continue
                ratio = gain / max(cost, 0.5)
                if best is None or ratio > best[0]:
                    best = (ratio, j, float(candidate) + 1e-6)
        if best is None:
            break
        thr[best[1]] = best[2]
        # Then down to just above the next benign score: free recall, no new false positive.
        below = probs[benign & (probs[:, best[1]] < thr[best[1]]), best[1]]
        thr[best[1]] = float(below.max()) + 1e-6 if below.size else 0.0
    review_at = {c: float(thr[j]) for j, c in enumerate(categories)}
    return review_at, {c: max(block_at[c], review_at[c]) for c in categories}


def train(
    train_rows: list[dict[str, Any]],
    dev_rows: list[dict[str, Any]],
    embed: Callable[[list[str]], np.ndarray],
    categories: list[str],
    *,
    seed: int = 14,
    model: str = "all-MiniLM-L6-v2",
) -> PromptHeads:
    """Weights on `train_rows`, thresholds on `dev_rows`, with the metadata to reproduce them."""
    np.random.seed(seed)
    train_vectors = embed_rows(train_rows, embed)
    weights, biases = fit_weights(train_rows, train_vectors, categories)
    heads = PromptHeads(categories, weights, biases, {}, {}, {})
    dev_vectors = embed_rows(dev_rows, embed)
    dev_probs = _row_probs(heads, dev_vectors)
    heads.review_at, heads.block_at = fit_thresholds(dev_rows, dev_probs, categories)
    flagged = np.stack([dev_probs[:, j] >= heads.review_at[c] for j, c in enumerate(categories)], axis=1).any(axis=1)
    benign = np.array([r["label"] == BENIGN for r in dev_rows])
    heads.meta = {
        "model": model,
        "seed": seed,
        "trained_on": "train",
        "thresholds_on": "dev",
        "train_rows": len(train_rows),
        "dev_rows": len(dev_rows),
        "data_hash": metrics.data_hash(train_rows + dev_rows),
        "date": dt.date.today().isoformat(),
        "target_fpr": TARGET_FPR,
        "dev_heads_only": {
            "recall": round(float(flagged[~benign].mean()), 4) if (~benign).any() else None,
            "fpr": round(float(flagged[benign].mean()), 4) if benign.any() else None,
        },
    }
    return heads
