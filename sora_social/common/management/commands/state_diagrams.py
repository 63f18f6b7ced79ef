"""Print, check or rewrite the state-machine diagrams the docs carry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sora_social.common.states import diagram_blocks, diagrams_rewritten


class Command(BaseCommand):
    help = (
        "Check that every `<!-- machine: ... -->` diagram in docs/ matches its declaration; "
        "--write rewrites the stale ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="rewrite stale diagrams in place")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = []
        for doc in sorted((Path(settings.BASE_DIR) / "docs").glob("*.md")):
            text = doc.read_text()
            if not diagram_blocks(text):
                continue
            fresh = diagrams_rewritten(text)
            if fresh != text:
                stale.append(doc.name)
                if options["write"]:
                    doc.write_text(fresh)
            for path, _body in diagram_blocks(fresh):
                self.stdout.write(f"{doc.name}: {path}")
        if stale and not options["write"]:
            raise CommandError(f"stale diagrams in {', '.join(stale)}: run manage.py state_diagrams --write")
        if stale:
            self.stdout.write(f"rewrote {', '.join(stale)}")
