"""Demo moderation data: the v1 policy, moderator groups, a few rights-holder entries and terms."""

from __future__ import annotations

import argparse
from typing import Any

from django.db import transaction

from moderation.models import BlockedTerm, ModeratorGroup, RightsHolderEntry
from moderation.policies import active_policy

DEMO_RIGHTS = [
    # Fictional holders and characters: the demo must not name real ones.
    (
        "captain-comet",
        "Captain Comet",
        "Starlight Studios",
        ["capt comet", "the comet captain"],
        "a superhero in a silver suit with a red comet emblem on the chest and a flowing blue cape",
        "block",
    ),
    (
        "fizzy-pop",
        "Fizzy Pop",
        "Fizzy Beverages Inc.",
        ["fizzypop soda"],
        "a bright green soda can brand with a cartoon bubble mascot",
        "label",
    ),
]


class ModerationSeeder:
    name = "moderation"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        return None

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        with transaction.atomic():
            policy = active_policy()
            for name, categories, account in (
                ("Child safety", ["sexual_minors", "sexual"], True),
                ("Likeness and rights", ["likeness", "public_figure", "rights_holder"], False),
                ("Community", ["violence", "self_harm", "hate", "harassment", "spam", "other"], False),
            ):
                ModeratorGroup.objects.get_or_create(
                    name=name, defaults={"categories": categories, "account_actions": account}
                )
            for slug, name, holder, aliases, description, choice in DEMO_RIGHTS:
                RightsHolderEntry.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "name": name,
                        "rights_holder": holder,
                        "aliases": aliases,
                        "description": description,
                        "choice": choice,
                        "label_text": f"Features {name}, used with permission" if choice == "label" else "",
                    },
                )
            BlockedTerm.objects.get_or_create(term="snuff film", defaults={"category": "violence"})
        return [
            f"  moderation: policy {policy.label}, {RightsHolderEntry.objects.count()} rights-holder entries"
        ]
