"""`manage.py seed_demo`: demo data from every app's seeder, with progress bars."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from sora_social.common.seeding import seeders


class Command(BaseCommand):
    help = "Create demo data (idempotent). Options come from the apps' seeders."

    def add_arguments(self, parser: CommandParser) -> None:
        for seeder in seeders():
            seeder.add_arguments(parser)
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        lines: list[str] = []
        disable = options.get("verbosity", 1) < 1

        def progress(**kwargs: Any) -> tqdm:
            return tqdm(disable=disable, dynamic_ncols=True, **kwargs)

        for seeder in seeders():
            lines.extend(seeder.run(options, progress))
        elapsed = time.perf_counter() - started
        if disable:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f}s."))
        if lines and not options["quiet_logins"]:
            self.stdout.write("Demo logins:")
            for line in lines:
                self.stdout.write(line)
