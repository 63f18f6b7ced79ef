"""Train the per-category prompt heads on the bundled sentence embeddings.

Weights come from the `train` split of `moderation/eval/prompts.jsonl`,
thresholds from the `dev` split at the target false-positive rate; the
`test` split is never read. Deterministic (fixed seed, full-batch gradient
descent from zero). Writes `moderation/classifiers/heads/prompt_heads.npz`
(weights, biases) and `.json` (categories, thresholds, data hash, seed,
date, dev figures) unless `--out` says elsewhere.

    manage.py train_prompt_heads
    manage.py train_prompt_heads --limit 3 --out /tmp/heads.npz   # a tiny subset (tests)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.categories import CATEGORIES
from moderation.classifiers import heads, loader, training
from moderation.eval import metrics


def _embedder() -> Any:
    for classifier in loader.classifiers("text")[0]:
        if getattr(classifier, "name", "") == "prompt_embeddings":
            return classifier
    raise CommandError("the sentence-embedding classifier is off or unavailable (SAFETY_PROMPT_MODEL)")


class Command(BaseCommand):
    help = "Train the prompt heads on the train split; fit thresholds on dev."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", default=str(heads.DEFAULT_PATH))
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument(
            "--limit", type=int, default=0, help="first N rows per (label, style) of each split"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = metrics.load_rows()
        train_rows = [r for r in rows if r["split"] == "train"]
        dev_rows = [r for r in rows if r["split"] == "dev"]
        if options["limit"]:
            train_rows = metrics.subset(train_rows, options["limit"])
            dev_rows = metrics.subset(dev_rows, options["limit"])
        classifier = _embedder()
        categories = [c for c in CATEGORIES if any(r["label"] == c for r in train_rows)]
        trained = training.train(train_rows, dev_rows, classifier.embed, categories, seed=options["seed"])
        out = Path(options["out"])
        trained.save(out)
        loader.reset()
        self.stdout.write(f"wrote {out} and {out.with_suffix('.json')}")
        self.stdout.write(f"dev (heads alone): {trained.meta['dev_heads_only']}")
        for category in categories:
            self.stdout.write(
                f"  {category:18s} review_at {trained.review_at[category]:.3f}  block_at {trained.block_at[category]:.3f}"
            )
