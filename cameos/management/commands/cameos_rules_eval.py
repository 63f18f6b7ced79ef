"""Re-measure the free-text owner-rule check on its labelled set (threshold on train, figures on test)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cameos.rules_eval import evaluate
from moderation.services import text_embedder


class Command(BaseCommand):
    help = (
        "Choose the free-text cameo rule threshold on cameos/eval/rules.jsonl (train) and report it (test)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        embed = text_embedder()
        if embed is None:
            raise CommandError("The prompt embedding model is off or missing (SAFETY_PROMPT_MODEL).")
        self.stdout.write(json.dumps(evaluate(embed), indent=2))
