"""`manage.py env_table`: print the README's table of environment variables."""

from typing import Any

from django.core.management.base import BaseCommand

from sora_social.settings.env import markdown_table


class Command(BaseCommand):
    help = "Print the Markdown table of every environment variable the settings read."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(markdown_table())
