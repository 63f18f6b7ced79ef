"""Measure the prompt check on the labelled evaluation set (`moderation/eval/prompts.jsonl`).

Runs the real prompt pipeline: `services.score_prompts` (every configured
text classifier, as `check_prompt` runs them) and `policies.decide` under the
active policy at adult thresholds, over one split (default `test`). Prints
recall per category, style and language, the false-positive rate on benign
prompts (overall and per theme) and the confusion table; `--write` writes
`docs/SAFETY_EVAL.md` with the figures next to the ones recorded before the
trained heads (`moderation/eval/baseline_test.json`).

    manage.py safety_eval                      # the test split
    manage.py safety_eval --split dev --limit 2  # 2 rows per (label, style): a fast fixed subset
    manage.py safety_eval --write              # and rewrite docs/SAFETY_EVAL.md
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers import heads
from moderation.eval import metrics
from moderation.eval.report import write_report
from moderation.policies import active_policy, decide
from moderation.services import score_prompts

BATCH = 64


def evaluate(rows: list[dict[str, Any]]) -> list[metrics.Outcome]:
    """Score and decide every row the way `check_prompt` does (adult thresholds), storing nothing."""
    policy = active_policy()
    outcomes = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        for result in score_prompts([r["text"] for r in batch]):
            decision, flagged, _reasons = decide(
                scores=result.scores,
                matches=result.matches,
                teen=False,
                thresholds=policy.thresholds,
                teen_thresholds=policy.teen_thresholds,
                classifier_reasons=result.reasons,
            )
            scores = dict(result.scores)
            for match in result.matches:
                scores["rights_holder"] = max(scores.get("rights_holder", 0.0), float(match["score"]))
            outcomes.append(metrics.Outcome(decision=decision, flagged=flagged, scores=scores))
    return outcomes


def _heads_meta() -> dict[str, Any] | None:
    """The committed heads' training metadata (dev figures included), for the report."""
    meta = heads.DEFAULT_PATH.with_suffix(".json")
    if not meta.exists():
        return None
    data = json.loads(meta.read_text())
    return {k: v for k, v in data.items() if k != "categories"}


class Command(BaseCommand):
    help = "Recall and false positives of the prompt check on the labelled evaluation set."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--split", default="test", choices=metrics.SPLITS)
        parser.add_argument(
            "--limit",
            "--subset",
            dest="limit",
            type=int,
            default=0,
            help="only the first N rows of each (label, style) in file order: a small fixed subset",
        )
        parser.add_argument("--write", action="store_true", help="write docs/SAFETY_EVAL.md")
        parser.add_argument(
            "--json", dest="json_path", default="", help="also write the figures as JSON here"
        )
        parser.add_argument("--out", default="", help="where --write writes (default docs/SAFETY_EVAL.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = metrics.load_rows(split=options["split"])
        if options["limit"]:
            rows = metrics.subset(rows, options["limit"])
        if not rows:
            raise CommandError("no rows to evaluate")
        figures = evaluate(rows)
        fig = metrics.figures(rows, figures)
        fig["split"] = options["split"]
        fig["subset"] = options["limit"] or None
        for line in metrics.summary(fig):
            self.stdout.write(line)
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(fig, indent=1, sort_keys=True) + "\n")
        if options["write"]:
            out = Path(options["out"] or Path(settings.BASE_DIR) / "docs" / "SAFETY_EVAL.md")
            write_report(out, fig, heads=_heads_meta())
            self.stdout.write(f"wrote {out}")
