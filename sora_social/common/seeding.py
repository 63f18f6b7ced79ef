"""Demo data: each app registers a seeder; `manage.py seed_demo` runs them in app order.

A seeder adds its own command-line options and writes with bulk inserts, so
demo sets of tens of thousands of rows take seconds. Seeding is idempotent:
running it twice adds nothing the second time.
"""

from __future__ import annotations

import argparse
from typing import Any, Protocol


class Seeder(Protocol):
    name: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        """Seed; return lines to print at the end (e.g. demo logins)."""
        ...


_SEEDERS: list[Seeder] = []


def register_seeder(seeder: Seeder) -> None:
    if all(existing.name != seeder.name for existing in _SEEDERS):
        _SEEDERS.append(seeder)


def seeders() -> list[Seeder]:
    return list(_SEEDERS)
