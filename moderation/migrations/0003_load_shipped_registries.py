"""Load the shipped registries, `moderation/data/public_figures.jsonl` and `rights_holders.jsonl`.

The files are read when the migration runs (not copied in here), so a fresh
database gets whatever the checkout ships. Idempotent: rows are matched by
slug, new ones created and changed ones brought back to the file (the effect
of `update_or_create` by slug, in a few bulk queries instead of 2,500 pairs).
Rights-holder rows not in the file (the demo entries, moderators' additions)
are left alone; loaded ones get the default choice (block) only when created,
so a moderator's choice or label survives a re-run.

Reverse: deletes only the rows whose slug is in the file and whose fields still
equal the file's (and, for rights holders, still block with no label and no
reference image): a row a moderator edited since is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data"
FIGURE_FIELDS = ("name", "aliases", "kind", "country")
RIGHTS_FIELDS = ("name", "kind", "rights_holder", "aliases", "description")
SOURCES = (
    ("PublicFigureEntry", "public_figures.jsonl", FIGURE_FIELDS),
    ("RightsHolderEntry", "rights_holders.jsonl", RIGHTS_FIELDS),
)


def read_rows(filename: str) -> list[dict[str, Any]]:
    lines = (DATA / filename).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load(apps: Any, schema_editor: Any) -> None:
    for model_name, filename, fields in SOURCES:
        model = apps.get_model("moderation", model_name)
        rows = {row["slug"]: row for row in read_rows(filename)}
        existing = {obj.slug: obj for obj in model.objects.filter(slug__in=list(rows))}
        changed = []
        for slug, obj in existing.items():
            if any(getattr(obj, f) != rows[slug][f] for f in fields):
                for f in fields:
                    setattr(obj, f, rows[slug][f])
                obj.updated_at = timezone.now()
                changed.append(obj)
        model.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
        new = [
            model(slug=slug, **{f: row[f] for f in fields})
            for slug, row in rows.items()
            if slug not in existing
        ]
        model.objects.bulk_create(new, batch_size=500)


def unload(apps: Any, schema_editor: Any) -> None:
    for model_name, filename, fields in SOURCES:
        model = apps.get_model("moderation", model_name)
        rows = {row["slug"]: row for row in read_rows(filename)}
        loaded = model.objects.filter(slug__in=list(rows), active=True)
        if model_name == "RightsHolderEntry":
            loaded = loaded.filter(choice="block", label_text="", images__isnull=True)
        untouched = [obj.pk for obj in loaded if all(getattr(obj, f) == rows[obj.slug][f] for f in fields)]
        model.objects.filter(pk__in=untouched).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_public_figures_and_franchise_kind"),
    ]

    operations = [migrations.RunPython(load, unload, elidable=False)]
