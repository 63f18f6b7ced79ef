"""Write every decided prompt appeal as JSONL in the eval set's format: training data for the next head.

Overturned blocks are labelled `benign`, upheld ones with the category the
check flagged. Rows are in decision order; `--out -` (the default) writes to
standard output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from moderation.presenters import appeal_decision_row
from moderation.selectors import appeal_decisions


class Command(BaseCommand):
    help = "Export decided prompt appeals as eval-format JSONL (label benign for overturned, the category for upheld)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", default="-", help="JSONL file to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        lines = [
            json.dumps(appeal_decision_row(d), ensure_ascii=False) for d in appeal_decisions().iterator()
        ]
        text = "".join(line + "\n" for line in lines)
        if options["out"] == "-":
            self.stdout.write(text, ending="")
        else:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(lines)} decision(s) written to {options['out']}")
