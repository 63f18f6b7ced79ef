"""Trained per-category heads on the prompt sentence embeddings (all-MiniLM-L6-v2).

A small MLP (one hidden layer, tanh-GELU, one sigmoid output per disallowed
category) on the L2-normalised embedding of the cleaned prompt
(`normalize.clean`). A prompt is scored as a
whole and sentence by sentence (a request buried in a long cinematic prompt
still gets its own embedding); its probability per category is the maximum.

Thresholds were fitted on the dev split (`manage.py train_prompt_heads`):
`review` at the target false-positive rate, `block` where no benign dev prompt
scored. A probability is mapped piecewise-linearly so that those two points
land on the default policy's review and block thresholds of the category: the
policy keeps deciding, and publishing a stricter policy still tightens.

Inference is pure numpy (training uses torch, in `training`); the weights and their metadata are committed next to this module
(`heads/prompt_heads.npz` + `.json`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.policies import DEFAULT_THRESHOLDS

HEADS_DIR = Path(__file__).resolve().parent / "heads"
DEFAULT_PATH = HEADS_DIR / "prompt_heads.npz"
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
MIN_CHUNK_WORDS = 3


def chunks(text: str) -> list[str]:
    """The prompt itself, then its sentences when it has more than one (each of 3 words or more)."""
    parts = [p.strip() for p in _SENTENCE.split(text) if p and len(p.split()) >= MIN_CHUNK_WORDS]
    return [text] + (parts if len(parts) > 1 else [])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation (the one the heads are trained with)."""
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def to_score(p: np.ndarray, review_at: float, block_at: float, review: float, block: float) -> np.ndarray:
    """Map probabilities so that `review_at` → `review` and `block_at` → `block`, monotone, [0,1] → [0,1]."""
    review_at = min(max(review_at, 1e-6), 1 - 2e-6)
    block_at = min(max(block_at, review_at + 1e-6), 1 - 1e-6)
    return np.interp(p, [0.0, review_at, block_at, 1.0], [0.0, review, block, 1.0])


@dataclass
class PromptHeads:
    """Layers (dim × hidden, hidden × categories) and the fitted probability thresholds per category."""

    categories: list[str]
    layers: dict[str, np.ndarray]  # w1, b1, w2, b2
    review_at: dict[str, float]
    block_at: dict[str, float]
    meta: dict[str, Any]

    @property
    def model_id(self) -> str:
        return f"prompt_heads:{self.meta.get('data_hash', '?')[:8]}:{self.meta.get('seed', '?')}"

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> PromptHeads:
        with np.load(path) as data:
            layers = {k: data[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")}
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return cls(
            categories=list(meta["categories"]),
            layers=layers,
            review_at={c: float(v) for c, v in meta["thresholds"]["review"].items()},
            block_at={c: float(v) for c, v in meta["thresholds"]["block"].items()},
            meta=meta,
        )

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            arrays: dict[str, Any] = {k: v.astype(np.float32) for k, v in self.layers.items()}
            np.savez(fh, **arrays)
        meta = dict(self.meta)
        meta["categories"] = self.categories
        meta["thresholds"] = {"review": self.review_at, "block": self.block_at}
        path.with_suffix(".json").write_text(
            json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """rows × categories probabilities for embedding rows."""
        hidden = gelu(vectors.astype(np.float32) @ self.layers["w1"] + self.layers["b1"])
        return sigmoid(hidden @ self.layers["w2"] + self.layers["b2"])

    def scores(self, probs: np.ndarray) -> dict[str, float]:
        """Policy-scale scores per category for one prompt's probability row (max over its chunks)."""
        out = {}
        for j, category in enumerate(self.categories):
            limits = DEFAULT_THRESHOLDS[category]
            value = to_score(
                np.array([probs[j]]),
                self.review_at[category],
                self.block_at[category],
                limits["review"],
                limits["block"],
            )
            out[category] = float(value[0])
        return out
