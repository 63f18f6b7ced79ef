"""CLIP safety classifier (open_clip): zero-shot concepts per category, optional trained heads.

Anchored on the Stable Diffusion safety checker (image embedding against
concept embeddings) and LAION's CLIP-based NSFW heads (a linear layer on the
image embedding). Weights come from settings: a local checkpoint path, or a
pretrained tag where the deployment has internet; a custom architecture can be
registered from a JSON config (that is how the tests build a tiny random CLIP).

Per process: one model load (the loader caches the instance), batched frames,
`torch.inference_mode`, and bf16 autocast where the device supports it.
Preprocessing runs in torch on the whole batch (resize, centre crop,
normalise), so the path adds little to the bare forward pass.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files.storage import default_storage
from PIL import Image

from moderation.categories import (
    CATEGORIES,
    DESCRIPTIONS,
    RIGHTS_HOLDER,
    SAFE_VISUAL,
    concepts_hash,
    visual_prompts,
)
from moderation.classifiers import Scores
from moderation.classifiers import rights as rights_registry

logger = logging.getLogger(__name__)

# Zero-shot: softmax over every concept (category concepts plus safe anchors)
# at CLIP's usual logit scale; a category's score is the mass of its concepts.
LOGIT_SCALE = 100.0
# Cosine similarity of CLIP embeddings: a reference image of the same
# character sits well above 0.8; text-to-text around 0.75+ for paraphrases.
IMAGE_MATCH_FLOOR, IMAGE_MATCH_CEILING = 0.70, 0.92
TEXT_FLOOR, TEXT_CEILING = 0.70, 0.90


def bf16_supported(device: str) -> bool:
    import torch

    if device.startswith("cuda"):
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    cpu = getattr(torch, "cpu", None)
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(cpu, name, lambda: False)()) for name in checks)


def pick_device(configured: str) -> str:
    import torch

    if configured and configured != "auto":
        return configured
    return "cuda" if torch.cuda.is_available() else "cpu"


def load_heads(directory: str | None, dim: int) -> dict[str, tuple[np.ndarray, float]]:
    """Trained linear heads `<category>.npz` (w: (dim,), b: ()) from `train_safety_head`."""
    heads: dict[str, tuple[np.ndarray, float]] = {}
    if not directory:
        return heads
    for path in sorted(Path(directory).glob("*.npz")):
        if path.stem not in CATEGORIES:
            continue
        data = np.load(path)
        w = np.asarray(data["w"], dtype=np.float32)
        if w.shape != (dim,):
            raise ValueError(f"head {path.name} has shape {w.shape}, the model embeds to ({dim},)")
        heads[path.stem] = (w, float(data["b"]))
    return heads


class CLIPClassifier:
    name = "clip"

    def __init__(
        self,
        *,
        model_name: str,
        pretrained: str | None,
        config_path: str | None = None,
        heads_dir: str | None = None,
        device: str = "auto",
        bf16: str = "auto",
    ) -> None:
        import open_clip
        import torch

        if config_path:
            open_clip.add_model_config(config_path)
        self.device = pick_device(device)
        self.model: Any = open_clip.create_model(
            model_name, pretrained=pretrained or None, device=self.device
        )
        self.model.eval()
        self.tokenizer = open_clip.get_tokenizer(model_name)
        cfg = open_clip.get_model_preprocess_cfg(self.model)
        size = cfg.get("size", self.model.visual.image_size)
        self.image_size = size if isinstance(size, int) else int(size[0])
        self._mean = torch.tensor(cfg.get("mean", open_clip.OPENAI_DATASET_MEAN), device=self.device).view(
            1, 3, 1, 1
        )
        self._std = torch.tensor(cfg.get("std", open_clip.OPENAI_DATASET_STD), device=self.device).view(
            1, 3, 1, 1
        )
        self.use_bf16 = bf16 == "on" or (bf16 == "auto" and bf16_supported(self.device))
        weights = os.path.basename(pretrained) if pretrained else "random"
        self.concepts: list[str] = []
        self._concept_category: list[str] = []
        for category in CATEGORIES:
            prompts = visual_prompts(category)
            self.concepts.extend(prompts)
            self._concept_category.extend([category] * len(prompts))
        self.concepts.extend(SAFE_VISUAL)
        self._concept_category.extend(["safe"] * len(SAFE_VISUAL))
        self.concept_vectors = self.embed_texts(self.concepts)
        self._category_mask = {
            c: np.array([cat == c for cat in self._concept_category]) for c in CATEGORIES if c in DESCRIPTIONS
        }
        text_examples, self._text_example_category = [], []
        for category, texts in DESCRIPTIONS.items():
            text_examples.extend(texts)
            self._text_example_category.extend([category] * len(texts))
        self.text_example_vectors = self.embed_texts(text_examples)
        self.dim = int(self.concept_vectors.shape[1])
        self.heads = load_heads(heads_dir, self.dim)
        heads_id = ""
        if self.heads:
            digest = hashlib.sha256()
            for category, (w, b) in sorted(self.heads.items()):
                digest.update(category.encode() + w.tobytes() + np.float32(b).tobytes())
            heads_id = f":heads-{digest.hexdigest()[:8]}"
        self.model_id = f"open_clip:{model_name}:{weights}:{concepts_hash()}{heads_id}"
        self._lock = threading.Lock()
        self._rights: tuple[Any, np.ndarray, list[Any], np.ndarray, list[Any]] | None = None

    # --- embeddings ---------------------------------------------------------

    def _autocast(self) -> Any:
        import torch

        device_type = "cuda" if self.device.startswith("cuda") else "cpu"
        return torch.autocast(device_type=device_type, dtype=torch.bfloat16, enabled=self.use_bf16)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode(), self._autocast():
            tokens = self.tokenizer(texts).to(self.device)
            vectors = self.model.encode_text(tokens).float()
            vectors = torch.nn.functional.normalize(vectors, dim=-1)
        return vectors.cpu().numpy()

    def preprocess(self, frames: list[np.ndarray]) -> Any:
        """HxWx3 uint8 RGB frames → a normalised (N, 3, S, S) tensor on the model's device.

        Resize the short side to S (antialiased bilinear), centre-crop, normalise,
        all batched in torch: the same geometry as open_clip's eval transform.
        """
        import torch
        import torch.nn.functional as F

        batch = torch.from_numpy(np.stack([f[..., :3] for f in frames])).to(self.device)
        batch = batch.permute(0, 3, 1, 2).float().div_(255.0)
        height, width = batch.shape[-2:]
        scale = self.image_size / min(height, width)
        new_h, new_w = max(self.image_size, round(height * scale)), max(self.image_size, round(width * scale))
        batch = F.interpolate(
            batch, size=(new_h, new_w), mode="bilinear", antialias=True, align_corners=False
        )
        top, left = (new_h - self.image_size) // 2, (new_w - self.image_size) // 2
        batch = batch[..., top : top + self.image_size, left : left + self.image_size]
        return (batch - self._mean) / self._std

    def forward(self, batch: Any) -> np.ndarray:
        """The bare model: a preprocessed batch → L2-normalised image embeddings."""
        import torch

        with torch.inference_mode(), self._autocast():
            vectors = self.model.encode_image(batch).float()
            vectors = torch.nn.functional.normalize(vectors, dim=-1)
        return vectors.cpu().numpy()

    def embed_frames(self, frames: list[np.ndarray]) -> np.ndarray:
        return self.forward(self.preprocess(frames))

    # --- scoring ------------------------------------------------------------

    def category_scores(self, image_vectors: np.ndarray) -> dict[str, np.ndarray]:
        """Per-category scores for each embedding: heads where trained, else zero-shot."""
        logits = LOGIT_SCALE * image_vectors @ self.concept_vectors.T
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        scores = {c: probs[:, mask].sum(axis=1) for c, mask in self._category_mask.items()}
        for category, (w, b) in self.heads.items():
            scores[category] = 1.0 / (1.0 + np.exp(-(image_vectors @ w + b)))
        return scores

    def _rights_vectors(self) -> tuple[np.ndarray, list[Any], np.ndarray, list[Any]]:
        """Reference-image embeddings and name embeddings of the registry, cached per change."""
        stamp, registry = rights_registry.entries()
        with self._lock:
            if self._rights is not None and self._rights[0] == stamp:
                return self._rights[1:]
        images, image_entries = [], []
        for entry in registry:
            for name in entry.image_paths:
                try:
                    with default_storage.open(name) as handle:
                        images.append(np.asarray(Image.open(handle).convert("RGB")))
                    image_entries.append(entry)
                except OSError:
                    logger.warning("rights-holder image %s could not be read", name)
        image_vectors = (
            np.concatenate([self.embed_frames([img]) for img in images])
            if images
            else np.zeros((0, self.dim), dtype=np.float32)
        )
        named = [e for e in registry if e.description.strip() or e.name]
        text_vectors = (
            self.embed_texts([f"{e.name}: {e.description}"[:300] for e in named])
            if named
            else np.zeros((0, self.dim), dtype=np.float32)
        )
        with self._lock:
            self._rights = (stamp, image_vectors, image_entries, text_vectors, named)
        return image_vectors, image_entries, text_vectors, named

    def score_embeddings(self, vectors: np.ndarray) -> Scores:
        """Scores for a clip from its frame embeddings: the max over frames."""
        per_frame = self.category_scores(vectors)
        scores = {c: float(v.max()) for c, v in per_frame.items()}
        image_vectors, image_entries, _, _ = self._rights_vectors()
        matches = []
        if len(image_entries):
            sims = (vectors @ image_vectors.T).max(axis=0)
            calibrated = np.clip((sims - IMAGE_MATCH_FLOOR) / (IMAGE_MATCH_CEILING - IMAGE_MATCH_FLOOR), 0, 1)
            best: dict[str, float] = {}
            for entry, score in zip(image_entries, calibrated, strict=True):
                best[entry.slug] = max(best.get(entry.slug, 0.0), float(score))
            by_slug = {e.slug: e for e in image_entries}
            matches = [rights_registry.match(by_slug[s], v, "image") for s, v in best.items() if v > 0]
            scores[RIGHTS_HOLDER] = max(best.values())
        return Scores(scores=scores, matches=matches, model_ids={self.name: self.model_id})

    def score_frames(self, frames: list[np.ndarray]) -> Scores:
        if not frames:
            return Scores(model_ids={self.name: self.model_id})
        return self.score_embeddings(self.embed_frames(frames))

    def score_texts(self, texts: list[str]) -> list[Scores]:
        """Prompts in the same space as frames: similarity to the category texts."""
        if not texts:
            return []
        vectors = self.embed_texts(texts)
        sims = vectors @ self.text_example_vectors.T
        calibrated = np.clip((sims - TEXT_FLOOR) / (TEXT_CEILING - TEXT_FLOOR), 0, 1)
        categories = np.array(self._text_example_category)
        _, _, rights_vectors, named = self._rights_vectors()
        out = []
        for row in range(len(texts)):
            scores = {c: float(calibrated[row][categories == c].max()) for c in DESCRIPTIONS}
            matches = []
            if named:
                rs = np.clip(
                    (vectors[row] @ rights_vectors.T - TEXT_FLOOR) / (TEXT_CEILING - TEXT_FLOOR), 0, 1
                )
                matches = [
                    rights_registry.match(e, float(s), "clip_text")
                    for e, s in zip(named, rs, strict=True)
                    if s > 0
                ]
                scores[RIGHTS_HOLDER] = float(rs.max())
            out.append(Scores(scores=scores, matches=matches, model_ids={self.name: self.model_id}))
        return out
