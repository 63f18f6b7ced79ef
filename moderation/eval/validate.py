"""Validate the committed moderation data files without rebuilding them (stdlib only).

    python moderation/eval/validate.py

Checks required fields, allowed values, unique ids/slugs/names/texts, one split
per group, the size floors (2,000 prompts with >= half benign, >= 8 test rows
per (label, style) cell, 1,500 public figures, 500 rights-holder entries), and
that prompts.jsonl is what build_prompts.py would write today.
"""

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
sys.path.insert(0, str(HERE))
import build_prompts  # noqa: E402


def say(*parts):
    """Write one line to stdout (the scripts are command-line tools)."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def load(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def main():
    errors = []
    prompts = load(HERE / "prompts.jsonl")
    errors += build_prompts.validate(prompts)
    fresh = build_prompts.build()
    if fresh != prompts:
        errors.append("prompts.jsonl differs from a fresh build; run build_prompts.py")

    figures = load(DATA / "public_figures.jsonl")
    rights = load(DATA / "rights_holders.jsonl")
    for rows, name, fields, kinds, floor in (
        (
            figures,
            "public_figures",
            ["slug", "name", "aliases", "kind", "country"],
            {"head_of_state", "politician", "entertainer", "athlete", "business", "other"},
            1500,
        ),
        (
            rights,
            "rights_holders",
            ["slug", "name", "kind", "rights_holder", "aliases", "description"],
            {"character", "franchise"},
            500,
        ),
    ):
        if len(rows) < floor:
            errors.append(f"{name}: {len(rows)} rows < {floor}")
        for f in ("slug", "name"):
            dup = [k for k, c in Counter(r[f].casefold() for r in rows).items() if c > 1]
            if dup:
                errors.append(f"{name}: duplicate {f}: {dup[:5]}")
        for r in rows:
            missing = [f for f in fields if f not in r]
            if missing:
                errors.append(f"{name}: {r.get('slug')}: missing {missing}")
            if r["kind"] not in kinds:
                errors.append(f"{name}: {r['slug']}: bad kind {r['kind']}")
            if not isinstance(r["aliases"], list):
                errors.append(f"{name}: {r['slug']}: aliases is not a list")

    say(
        f"prompts: {len(prompts)} ({sum(r['label'] == 'benign' for r in prompts)} benign), "
        f"splits {dict(Counter(r['split'] for r in prompts))}"
    )
    say(f"public_figures: {len(figures)}  rights_holders: {len(rights)}")
    for e in errors:
        say("ERROR", e)
    say("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
