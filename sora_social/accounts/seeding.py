"""Demo members: a staff moderator, two named members and N generated ones."""

from __future__ import annotations

import argparse
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sora_social.accounts.models import User
from sora_social.common.ids import new_ids

DEMO_PASSWORD = "sora-demo-pass"  # noqa: S105 - public demo credentials
ADMIN_PASSWORD = "sora-admin-pass"  # noqa: S105 - public demo credentials
NAMED = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]
BATCH = 2000


class UsersSeeder:
    name = "users"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--users", type=int, default=100, help="Generated members (besides the named ones)."
        )

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        total = max(0, int(options["users"]))
        self._ensure_named()
        # One hash for every generated member: hashing is the slow part, and
        # these accounts are demo data sharing one password.
        hashed = make_password(DEMO_PASSWORD)
        existing = set(User.objects.filter(username__startswith="member").values_list("username", flat=True))
        wanted = [f"member{i:06d}" for i in range(1, total + 1)]
        missing = [name for name in wanted if name not in existing]
        bar = progress(total=total, desc="members", unit="user", initial=total - len(missing))
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            ids = new_ids(len(chunk))
            rows = [
                User(
                    id=pk,
                    username=name,
                    email=f"{name}@demo.sora.local",
                    display_name=f"Member {name[6:].lstrip('0')}",
                    password=hashed,
                )
                for pk, name in zip(ids, chunk, strict=True)
            ]
            with transaction.atomic():
                User.objects.bulk_create(rows, ignore_conflicts=True)
            bar.update(len(chunk))
        bar.close()
        return [
            f"  moderator: admin / {ADMIN_PASSWORD}  (Django admin)",
            *[f"  member:    {username} / {DEMO_PASSWORD}" for username, _ in NAMED],
        ]

    def _ensure_named(self) -> None:
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", "admin@demo.sora.local", ADMIN_PASSWORD, display_name="Admin"
            )
        for username, display in NAMED:
            if not User.objects.filter(username=username).exists():
                User.objects.create_user(
                    username, f"{username}@demo.sora.local", DEMO_PASSWORD, display_name=display
                )
