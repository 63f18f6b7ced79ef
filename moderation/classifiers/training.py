"""Fitting the prompt heads: weights on the train split, thresholds on the dev split.

Deterministic: rows in file order, full-batch training on CPU from a fixed
torch seed with deterministic algorithms. The test split is never read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from moderation.classifiers.heads import PromptHeads, chunks
from moderation.classifiers.normalize import clean
from moderation.eval import metrics

BENIGN = metrics.BENIGN
HIDDEN = 256
EPOCHS = 300
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


def training_set(
    rows: list[dict[str, Any]], per_row: list[np.ndarray], categories: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y): every whole prompt; for a long disallowed prompt also its sentence closest to the plain
    request of its group (where the buried request sits); every sentence of a benign prompt as a negative."""
    seeds = {r["group"]: v[0] for r, v in zip(rows, per_row, strict=True) if r["variant"] == "seed"}
    xs, ys = [], []
    for row, vectors in zip(rows, per_row, strict=True):
        y = np.array([row["label"] == c for c in categories], dtype=np.float32)
        xs.append(vectors[0])
        ys.append(y)
        if row["label"] == BENIGN:
            xs.extend(vectors[1:])
            ys.extend([y] * (len(vectors) - 1))
        elif len(vectors) > 1 and row["group"] in seeds:
            xs.append(vectors[1 + int(np.argmax(vectors[1:] @ seeds[row["group"]]))])
            ys.append(y)
    return np.stack(xs).astype(np.float32), np.stack(ys)


def fit_mlp(
    x: np.ndarray, y: np.ndarray, *, seed: int, hidden: int = HIDDEN, epochs: int = EPOCHS
) -> dict[str, np.ndarray]:
    """Full-batch AdamW on a one-hidden-layer MLP with per-category positive weights, seeded, on CPU."""
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    model = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.GELU(approximate="tanh"),
        torch.nn.Dropout(0.1),
        torch.nn.Linear(hidden, y.shape[1]),
    )
    xt, yt = torch.tensor(x), torch.tensor(y)
    positives = yt.sum(0).clamp(min=1.0)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((len(yt) - positives) / positives).clamp(max=20.0))
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    model.train()
    for _ in range(epochs):
        optimiser.zero_grad()
        loss_fn(model(xt), yt).backward()
        optimiser.step()
    first: Any = model[0]
    last: Any = model[3]
    return {
        "w1": first.weight.detach().numpy().T.copy(),
        "b1": first.bias.detach().numpy().copy(),
        "w2": last.weight.detach().numpy().T.copy(),
        "b2": last.bias.detach().numpy().copy(),
    }


def fit_thresholds(
    rows: list[dict[str, Any]], probs: np.ndarray, categories: list[str], target_fpr: float = TARGET_FPR
) -> tuple[dict[str, float], dict[str, float]]:
    """Review thresholds chosen greedily on dev: lower whichever category's threshold catches the most
    disallowed dev prompts per benign dev prompt it newly flags, while the heads' false-positive rate
    (any category) stays within `target_fpr`. Block thresholds sit above every benign dev score."""
    benign = np.array([r["label"] == BENIGN for r in rows])
    bad = ~benign
    budget = int(np.floor(target_fpr * benign.sum()))
    block_at = {
        c: float(min(probs[benign, j].max() + 1e-4, 0.999)) if benign.any() else 0.5
        for j, c in enumerate(categories)
    }
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
    train_vectors = embed_rows(train_rows, embed)
    x, y = training_set(train_rows, train_vectors, categories)
    heads = PromptHeads(categories, fit_mlp(x, y, seed=seed), {}, {}, {})
    dev_vectors = embed_rows(dev_rows, embed)
    dev_probs = _row_probs(heads, dev_vectors)
    heads.review_at, heads.block_at = fit_thresholds(dev_rows, dev_probs, categories)
    flagged = np.stack([dev_probs[:, j] >= heads.review_at[c] for j, c in enumerate(categories)], axis=1).any(
        axis=1
    )
    benign = np.array([r["label"] == BENIGN for r in dev_rows])
    heads.meta = {
        "model": model,
        "head": f"MLP {HIDDEN} hidden (tanh-GELU), {EPOCHS} epochs full-batch AdamW",
        "seed": seed,
        "trained_on": "train",
        "thresholds_on": "dev",
        "train_rows": len(train_rows),
        "dev_rows": len(dev_rows),
        "data_hash": metrics.data_hash(train_rows + dev_rows),
        "date": dt.date.today().isoformat(),
        "target_fpr": TARGET_FPR,
        "dev_heads_only": {
            "recall": round(float(np.asarray(flagged)[~benign].mean()), 4) if (~benign).any() else None,
            "fpr": round(float(np.asarray(flagged)[benign].mean()), 4) if benign.any() else None,
        },
    }
    return heads
