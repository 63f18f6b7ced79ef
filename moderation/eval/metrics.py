"""Efficacy figures for the prompt check over the labelled evaluation set (`prompts.jsonl`).

A disallowed prompt counts as caught when the decision is not `allow`
(`review` holds it for a moderator, `block` refuses it); a benign prompt is a
false positive on the same rule. The confusion table puts each label against
the category the decision is mostly about (the flagged category with the
highest score) or `allow`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parent
PROMPTS = EVAL_DIR / "prompts.jsonl"
BENIGN = "benign"
ALLOW = "allow"
SPLITS = ("train", "dev", "test")


def load_rows(path: Path = PROMPTS, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled prompts, in file order, optionally of one split."""
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def data_hash(rows: Iterable[dict[str, Any]]) -> str:
    """sha256 over (id, text, label) of the rows, to tie trained weights to their data."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row['id']}\t{row['text']}\t{row['label']}\n".encode())
    return digest.hexdigest()


def subset(rows: list[dict[str, Any]], per_label: int) -> list[dict[str, Any]]:
    """A small fixed subset: the first `per_label` rows of each (label, style) in file order."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for row in rows:
        key = (row["label"], row["style"])
        if seen[key] < per_label:
            seen[key] += 1
            out.append(row)
    return out


@dataclass
class Outcome:
    """What the pipeline decided for one row."""

    decision: str
    flagged: list[str]
    scores: dict[str, float]
    decided: str = field(init=False)

    def __post_init__(self) -> None:
        if self.decision == ALLOW or not self.flagged:
            self.decided = ALLOW
        else:
            self.decided = max(self.flagged, key=lambda c: self.scores.get(c, 0.0))


def _rate(hits: int, total: int) -> dict[str, Any]:
    return {"rate": round(hits / total, 4) if total else None, "hits": hits, "n": total}


def figures(rows: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    """Recall per category, style and language; false positives on benign (overall, per theme, per
    language); the confusion table. Rates carry their counts."""
    groups: dict[str, dict[str, list[int]]] = {
        k: defaultdict(lambda: [0, 0]) for k in ("category", "style", "lang", "cell", "theme", "fp_lang")
    }
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    caught = total = fps = benign = 0
    for row, outcome in zip(rows, outcomes, strict=True):
        hit = outcome.decision != ALLOW
        confusion[row["label"]][outcome.decided] += 1
        if row["label"] == BENIGN:
            benign += 1
            fps += hit
            for key, value in (("theme", row["theme"]), ("fp_lang", row["lang"])):
                groups[key][value][0] += hit
                groups[key][value][1] += 1
            continue
        total += 1
        caught += hit
        for key, value in (
            ("category", row["label"]),
            ("style", row["style"]),
            ("lang", row["lang"]),
            ("cell", f"{row['label']}/{row['style']}"),
        ):
            groups[key][value][0] += hit
            groups[key][value][1] += 1
    out: dict[str, Any] = {
        "rows": len(rows),
        "recall": _rate(caught, total),
        "fpr": _rate(fps, benign),
        "confusion": {label: dict(sorted(c.items())) for label, c in sorted(confusion.items())},
    }
    for key, table in groups.items():
        out[key] = {name: _rate(h, n) for name, (h, n) in sorted(table.items())}
    return out


def _fmt(entry: dict[str, Any]) -> str:
    rate = entry["rate"]
    return "n/a" if rate is None else f"{rate:.3f} ({entry['hits']}/{entry['n']})"


def _table(title: str, entries: dict[str, dict[str, Any]], before: dict[str, Any] | None) -> list[str]:
    head = f"| {title} | after | before |" if before is not None else f"| {title} | rate |"
    lines = [head, "| --- | --- | --- |" if before is not None else "| --- | --- |"]
    for name, entry in entries.items():
        cells = [name, _fmt(entry)]
        if before is not None:
            cells.append(_fmt(before[name]) if name in before else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(after: dict[str, Any], before: dict[str, Any] | None = None) -> list[str]:
    """Markdown tables of the figures, with a "before" column when given."""
    b = before or {}
    lines = [
        f"Rows: {after['rows']}. Recall on disallowed: **{_fmt(after['recall'])}**"
        + (f" (before: {_fmt(b['recall'])})" if before else "")
        + f". False-positive rate on benign: **{_fmt(after['fpr'])}**"
        + (f" (before: {_fmt(b['fpr'])})" if before else "")
        + ".",
        "",
    ]
    for key, title in (
        ("category", "recall per category"),
        ("style", "recall per style"),
        ("lang", "recall per language"),
        ("fp_lang", "false positives per language (benign)"),
        ("theme", "false positives per benign theme"),
    ):
        lines += [*_table(title, after[key], b.get(key) if before else None), ""]
    lines += [*_table("recall per (category, style)", after["cell"], b.get("cell") if before else None), ""]
    decided = sorted({d for c in after["confusion"].values() for d in c})
    lines += ["Confusion (rows: label; columns: the category decided, or allow):", ""]
    lines.append("| label | " + " | ".join(decided) + " |")
    lines.append("| --- |" + " --- |" * len(decided))
    for label, counts in after["confusion"].items():
        lines.append(f"| {label} | " + " | ".join(str(counts.get(d, 0)) for d in decided) + " |")
    return lines


def summary(fig: dict[str, Any]) -> list[str]:
    """Plain-text lines for the console."""
    lines = [f"recall {_fmt(fig['recall'])}   false-positive rate {_fmt(fig['fpr'])}"]
    for key in ("category", "style", "lang", "theme"):
        label = "false positives per theme" if key == "theme" else f"recall per {key}"
        lines.append(label + ":")
        lines += [f"  {name:32s} {_fmt(entry)}" for name, entry in fig[key].items()]
    lines.append("confusion (label -> decided):")
    for label, counts in fig["confusion"].items():
        lines.append(f"  {label:20s} " + ", ".join(f"{d}={n}" for d, n in counts.items()))
    return lines
