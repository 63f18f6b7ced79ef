"""`manage.py invites create --count N`: root invite codes (no inviter), printed one a line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sora_social.accounts import services
from sora_social.common.errors import ApplicationError


class Command(BaseCommand):
    help = "Manage invite codes. `create --count N` issues root codes whose redeemers become tree roots."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue root codes and print them.")
        create.add_argument("--count", type=int, default=1)
        create.add_argument("--note", default="", help="Why, or for whom (kept with the codes).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            try:
                codes = services.invite_root_codes_create(
                    count=options["count"], actor=None, note=options["note"] or "manage.py invites create"
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            for code in codes:
                self.stdout.write(code.display)
