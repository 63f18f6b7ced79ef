"""`manage.py seed_demo`: demo data from every app's seeder, with progress bars.

It creates a superuser with a published password and thousands of fake
members, so it refuses to run against a configured database (`DATABASE_URL`,
i.e. anything but the embedded one) unless `--force` is given.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from sora_social.common.seeding import seeders


class Command(BaseCommand):
    help = "Create demo data (idempotent). Options come from the apps' seeders."

    def add_arguments(self, parser: CommandParser) -> None:
        for seeder in seeders():
            seeder.add_arguments(parser)
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print demo logins.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even a database configured by DATABASE_URL (demo logins with known passwords).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASE_URL and not options["force"]:
            raise CommandError(
                "seed_demo refuses to run: DATABASE_URL is set (not the embedded database) and demo data "
                "includes an admin with a known password; pass --force to seed it anyway."
            )
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
