"""Demo data for provenance: a hash bank per kind of use, so the admin has something to show.

`removed violence` (block, filled automatically from removals of that
category) guarded by a `do not match` negative bank, and `partner list`
(review) holding a few example PDQ/MD5 signals as a ThreatExchange import
would. Idempotent: banks are looked up by name, entries deduplicated.
"""

from __future__ import annotations

import argparse
from typing import Any

from provenance.models import HashBank
from provenance.services import bank_import

# Example signals in the ThreatExchange line format (not hashes of any real media).
PARTNER_LIST = (
    "pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\texample partner hash\n"
    "md5 d41d8cd98f00b204e9800998ecf8427e\tthe empty file (example)\n"
)


class ProvenanceSeeder:
    name = "provenance"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        return None

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        negative, _ = HashBank.objects.get_or_create(name="do not match", defaults={"is_negative": True})
        HashBank.objects.get_or_create(
            name="removed violence",
            defaults={
                "category": "violence",
                "action": "block",
                "auto_add_removed": True,
                "negative": negative,
            },
        )
        partner, _ = HashBank.objects.get_or_create(
            name="partner list", defaults={"category": "other", "action": "review", "threshold": 31}
        )
        counts = bank_import(bank=partner, text=PARTNER_LIST, source="seed")
        return [f"provenance: 3 hash banks; partner list +{counts['added']} entries (admin: Provenance)"]
