"""Train linear safety heads on CLIP image embeddings from a labelled folder.

Layout: one sub-folder per category code with positive examples
(`sexual/`, `violence/`, ...) and a `safe/` folder with negatives. For each
category folder present, the head is a logistic regression on the configured
CLIP model's L2-normalised image embeddings: positives from that folder,
negatives from `safe/` and from the other categories. Heads are written as
`<category>.npz` (w, b) into the output folder (SAFETY_HEADS_DIR by default),
which the CLIP classifier loads next to its zero-shot concepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image

from moderation.categories import CATEGORIES
from moderation.classifiers import loader

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, epochs: int = 500, lr: float = 0.5, l2: float = 1e-3
) -> tuple[np.ndarray, float, float]:
    """Full-batch gradient descent with class weighting; returns (w, b, training accuracy)."""
    n, dim = x.shape
    w, b = np.zeros(dim, dtype=np.float64), 0.0
    pos = max(y.sum(), 1.0)
    neg = max(n - y.sum(), 1.0)
    weight = np.where(y == 1, n / (2 * pos), n / (2 * neg))
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        grad = weight * (p - y)
        w -= lr * (x.T @ grad / n + l2 * w)
        b -= lr * float(grad.mean())
    accuracy = float((((x @ w + b) > 0).astype(float) == y).mean())
    return w.astype(np.float32), float(b), accuracy


class Command(BaseCommand):
    help = (
        "Train linear safety heads (one per category folder) on CLIP embeddings of a labelled image folder."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("data", help="Folder with <category>/ and safe/ sub-folders of images.")
        parser.add_argument("--out", default=None, help="Output folder (default: SAFETY_HEADS_DIR).")
        parser.add_argument("--epochs", type=int, default=500)
        parser.add_argument("--batch", type=int, default=32, help="Images embedded per forward pass.")

    def handle(self, *args: Any, **options: Any) -> None:
        data = Path(options["data"])
        out = Path(options["out"] or settings.SAFETY_HEADS_DIR or "")
        if not data.is_dir():
            raise CommandError(f"{data} is not a folder")
        if not str(out) or str(out) == ".":
            raise CommandError("give --out or set SAFETY_HEADS_DIR")
        if not settings.SAFETY_CLIP_MODEL:
            raise CommandError("SAFETY_CLIP_MODEL is not set: heads are trained on that model's embeddings")
        folders = {p.name: p for p in data.iterdir() if p.is_dir()}
        unknown = set(folders) - set(CATEGORIES) - {"safe"}
        if unknown:
            raise CommandError(f"unknown label folders: {sorted(unknown)} (use category codes and safe/)")
        targets = sorted(set(folders) & set(CATEGORIES))
        if not targets:
            raise CommandError("no category folder found")
        # Train on the model as configured, without the heads being replaced.
        settings.SAFETY_HEADS_DIR = None
        loader.reset()
        loaded, broken = loader.classifiers("frames")
        clip = next((c for c in loaded if c.name == "clip"), None)
        if clip is None:
            raise CommandError(f"the CLIP model could not be loaded: {broken.get('clip', 'not configured')}")
        vectors: dict[str, np.ndarray] = {}
        for label, folder in sorted(folders.items()):
            paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
            chunks = []
            for start in range(0, len(paths), options["batch"]):
                images = [
                    np.asarray(Image.open(p).convert("RGB")) for p in paths[start : start + options["batch"]]
                ]
                # Mixed sizes: embed one by one where a batch cannot be stacked.
                if len({img.shape for img in images}) == 1:
                    chunks.append(clip.embed_frames(images))
                else:
                    chunks.extend(clip.embed_frames([img]) for img in images)
            vectors[label] = np.concatenate(chunks) if chunks else np.zeros((0, clip.dim), dtype=np.float32)
            self.stdout.write(f"{label}: {len(paths)} images")
        out.mkdir(parents=True, exist_ok=True)
        for category in targets:
            positives = vectors[category]
            negatives = np.concatenate([v for label, v in vectors.items() if label != category])
            if not len(positives) or not len(negatives):
                raise CommandError(f"{category}: needs positive and negative images")
            x = np.concatenate([positives, negatives]).astype(np.float64)
            y = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))])
            w, b, accuracy = fit_logistic(x, y, epochs=options["epochs"])
            np.savez(out / f"{category}.npz", w=w, b=np.float32(b), model=clip.model_id)
            self.stdout.write(
                f"{category}: head written to {out / (category + '.npz')} (training accuracy {accuracy:.3f})"
            )
        loader.reset()
