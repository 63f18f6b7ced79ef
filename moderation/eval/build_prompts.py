"""Build moderation/eval/prompts.jsonl from hand-written seeds (stdlib only, deterministic).

    python moderation/eval/build_prompts.py           # write prompts.jsonl
    python moderation/eval/build_prompts.py --check   # validate and print counts only

Inputs (all hand-written, see README.md):
  seeds/<label>.txt   for each disallowed label:
      @plain      "English request with [trigger words] || <lang> || translation"
                  -> one group: plain + obfuscated + long + multilingual records
      @euphemism  one indirect request per line -> one group with one record
  seeds/benign_*.txt  "@theme <tag>" then "text" or "text || <lang> || translation"
                  -> one group: plain + long (+ multilingual when translated)
  wrappers.txt        long-prompt wrappers with a single {req} slot

Square brackets mark the words the obfuscation transforms act on; they are
removed from every other variant.
"""

import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from obfuscations import obfuscate


def say(*parts):
    """Write one line to stdout (the scripts are command-line tools)."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
OUT = HERE / "prompts.jsonl"

LABELS = [
    "sexual",
    "sexual_minors",
    "minors_endangered",
    "violence",
    "self_harm",
    "hate",
    "harassment",
    "public_figure",
    "rights_holder",
]
STYLES = ["plain", "obfuscated", "euphemism", "multilingual", "long"]
LANGS = ["es", "fr", "de", "pt", "it", "ja-Latn"]
SPLIT_PATTERN = ["train", "dev", "train", "test", "train"]  # 60/20/20 over each sorted stratum

BRACKET = re.compile(r"\[([^\[\]]+)\]")


def h(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def strip_brackets(text):
    return BRACKET.sub(lambda m: m.group(1), text)


# ---------------------------------------------------------------- obfuscation
# The methods live in obfuscations.py (imported above).


# ---------------------------------------------------------------- long prompts
def load_wrappers():
    lines = [ln.strip() for ln in (HERE / "wrappers.txt").read_text(encoding="utf-8").splitlines()]
    ws = [ln for ln in lines if ln and not ln.startswith("#")]
    for w in ws:
        assert w.count("{req}") == 1, w
    return ws


def words(text):
    return len(text.split())


def make_long(req, key, wrappers):
    start = int(h(key), 16) % len(wrappers)
    for j in range(len(wrappers)):
        w = wrappers[(start + j) % len(wrappers)]
        text = w.replace("{req}", req.rstrip(". "))
        if 60 <= words(text) <= 150:
            return text
    raise ValueError(f"no wrapper fits: {req}")


# ---------------------------------------------------------------- seed parsing
def parse_line(line):
    parts = [p.strip() for p in line.split("||")]
    if len(parts) == 1:
        return parts[0], None, None
    if len(parts) != 3 or parts[1] not in LANGS:
        raise ValueError(f"bad seed line: {line}")
    return parts[0], parts[1], parts[2]


def read_lines(path):
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


# long: the whole build, one transform after another, in the order the README tells it
def build():
    wrappers = load_wrappers()
    groups: list[dict[str, Any]] = []  # each: group, label, order (sort key), records

    for label in LABELS:
        section = None
        plain_i = euph_i = 0
        for line in read_lines(SEEDS / f"{label}.txt"):
            if line.startswith("@"):
                section = line[1:]
                continue
            if section == "plain":
                plain_i += 1
                en, lang, tr = parse_line(line)
                if lang is None:
                    raise ValueError(f"plain seed without translation: {line}")
                gid = f"{label}-s{plain_i:03d}"
                plain = strip_brackets(en)
                method, ob = obfuscate(en, plain_i)
                recs = [
                    {"text": plain, "style": "plain", "lang": "en", "variant": "seed"},
                    {
                        "text": ob,
                        "style": "obfuscated",
                        "lang": "en",
                        "variant": "obfuscated",
                        "obfuscation": method,
                    },
                    {
                        "text": make_long(plain, gid, wrappers),
                        "style": "long",
                        "lang": "en",
                        "variant": "long",
                    },
                    {
                        "text": strip_brackets(tr),
                        "style": "multilingual",
                        "lang": lang,
                        "variant": "translation",
                    },
                ]
                groups.append(
                    {"group": gid, "label": label, "order": (label, "s", lang, h(gid)), "records": recs}
                )
            elif section == "euphemism":
                euph_i += 1
                gid = f"{label}-e{euph_i:03d}"
                recs = [{"text": strip_brackets(line), "style": "euphemism", "lang": "en", "variant": "seed"}]
                groups.append(
                    {"group": gid, "label": label, "order": (label, "e", "", h(gid)), "records": recs}
                )
            else:
                raise ValueError(f"{label}: line outside a section: {line}")

    n = 0
    for path in sorted(SEEDS.glob("benign_*.txt")):
        theme = None
        for line in read_lines(path):
            if line.startswith("@theme "):
                theme = line.split(" ", 1)[1].strip()
                continue
            n += 1
            en, lang, tr = parse_line(line)
            gid = f"benign-{n:04d}"
            plain = strip_brackets(en)
            recs = [
                {"text": plain, "style": "plain", "lang": "en", "variant": "seed", "theme": theme},
                {
                    "text": make_long(plain, gid, wrappers),
                    "style": "long",
                    "lang": "en",
                    "variant": "long",
                    "theme": theme,
                },
            ]
            if lang:
                recs.append(
                    {
                        "text": strip_brackets(tr),
                        "style": "multilingual",
                        "lang": lang,
                        "variant": "translation",
                        "theme": theme,
                    }
                )
            groups.append(
                {
                    "group": gid,
                    "label": "benign",
                    "order": ("benign", lang or "", theme, h(gid)),
                    "records": recs,
                }
            )

    # ---- splits: within each stratum sort groups, then deal 60/20/20 cyclically
    strata: defaultdict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for g in groups:
        key = (g["label"], g["order"][1]) if g["label"] != "benign" else ("benign",)
        strata[key].append(g)
    for gs in strata.values():
        gs.sort(key=lambda g: g["order"])
        for i, g in enumerate(gs):
            g["split"] = SPLIT_PATTERN[i % len(SPLIT_PATTERN)]

    rows = []
    for g in groups:
        for r in g["records"]:
            rows.append(
                {
                    "id": None,
                    "text": r["text"],
                    "label": g["label"],
                    "style": r["style"],
                    "lang": r["lang"],
                    "theme": r.get("theme") or "",
                    "split": g["split"],
                    "group": g["group"],
                    "variant": r["variant"],
                    "obfuscation": r.get("obfuscation"),
                }
            )
    for i, r in enumerate(rows, 1):
        r["id"] = f"p{i:04d}"
    return rows


# ---------------------------------------------------------------- validation
def load_registry_names(fname):
    names: set[str] = set()
    path = HERE.parent / "data" / fname
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        names.add(r["name"].casefold())
        names.update(a.casefold() for a in r["aliases"])
    return names


# long: one pass of checks over the whole set, read top to bottom
def validate(rows):
    errors = []
    req = ["id", "text", "label", "style", "lang", "theme", "split", "group"]
    ids, texts = set(), Counter[str]()
    for r in rows:
        for f in req:
            if f not in r or r[f] is None:
                errors.append(f"{r.get('id')}: missing {f}")
        if r["id"] in ids:
            errors.append(f"duplicate id {r['id']}")
        ids.add(r["id"])
        texts[r["text"]] += 1
        if r["label"] not in [*LABELS, "benign"]:
            errors.append(f"{r['id']}: bad label")
        if r["style"] not in STYLES:
            errors.append(f"{r['id']}: bad style")
        if r["label"] == "benign" and r["style"] not in ("plain", "long", "multilingual"):
            errors.append(f"{r['id']}: benign with style {r['style']}")
        if r["label"] == "benign" and not r["theme"]:
            errors.append(f"{r['id']}: benign without theme")
        if r["style"] == "long" and not 60 <= words(r["text"]) <= 150:
            errors.append(f"{r['id']}: long prompt has {words(r['text'])} words")
        if "[" in r["text"] or "]" in r["text"]:
            errors.append(f"{r['id']}: leftover bracket")
    for t, c in texts.items():
        if c > 1:
            errors.append(f"duplicate text x{c}: {t[:60]}")
    # one split per group
    gsplit: defaultdict[str, set[str]] = defaultdict(set)
    for r in rows:
        gsplit[r["group"]].add(r["split"])
    for g, s in gsplit.items():
        if len(s) > 1:
            errors.append(f"group {g} spans splits {s}")
    # coverage: every (label, style) cell has >= 8 test examples
    cell = Counter((r["label"], r["style"], r["split"]) for r in rows)
    for label in LABELS:
        for style in STYLES:
            for split in ("train", "dev", "test"):
                need = 8 if split == "test" else 1
                if cell[(label, style, split)] < need:
                    errors.append(f"cell {label}/{style}/{split} has {cell[(label, style, split)]}")
    for style in ("plain", "long", "multilingual"):
        if cell[("benign", style, "test")] < 8:
            errors.append(f"benign/{style} test too small")
    langs = Counter((r["lang"], r["split"]) for r in rows if r["style"] == "multilingual")
    for lang in LANGS:
        if langs[(lang, "test")] < 8:
            errors.append(f"lang {lang} has {langs[(lang, 'test')]} in test")
    nb = sum(r["label"] == "benign" for r in rows)
    if nb * 2 < len(rows):
        errors.append(f"benign share {nb}/{len(rows)} is below half")
    if len(rows) < 2000:
        errors.append(f"only {len(rows)} rows")
    # registry names used by public_figure / rights_holder seeds
    for label, fname in (
        ("public_figure", "public_figures.jsonl"),
        ("rights_holder", "rights_holders.jsonl"),
    ):
        names = load_registry_names(fname)
        if names is None:
            continue
        for line in read_lines(SEEDS / f"{label}.txt"):
            if line.startswith("@"):
                continue
            en = line.split("||")[0]
            for m in BRACKET.finditer(en):
                if m.group(1).casefold() not in names:
                    errors.append(f"{label}: [{m.group(1)}] not in {fname}")
    return errors


def report(rows):
    lines = []
    cell = Counter((r["label"], r["style"]) for r in rows)
    labels = [*LABELS, "benign"]
    lines.append("| label | " + " | ".join(STYLES) + " | total |")
    lines.append("|---" * (len(STYLES) + 2) + "|")
    for label in labels:
        vals = [cell[(label, s)] for s in STYLES]
        lines.append(f"| {label} | " + " | ".join(str(v) for v in vals) + f" | {sum(vals)} |")
    tot = [sum(cell[(lab, s)] for lab in labels) for s in STYLES]
    lines.append("| **total** | " + " | ".join(str(v) for v in tot) + f" | {sum(tot)} |")
    lines.append("")
    sp = Counter(r["split"] for r in rows)
    spl = Counter((r["label"] == "benign", r["split"]) for r in rows)
    lines.append("| split | rows | disallowed | benign |")
    lines.append("|---|---|---|---|")
    for s in ("train", "dev", "test"):
        lines.append(f"| {s} | {sp[s]} | {spl[(False, s)]} | {spl[(True, s)]} |")
    lines.append("")
    lg = Counter((r["lang"], r["label"] == "benign", r["split"]) for r in rows)
    lines.append("| lang | disallowed | benign | test (all) |")
    lines.append("|---|---|---|---|")
    for lang in ["en", *LANGS]:
        d = sum(lg[(lang, False, s)] for s in ("train", "dev", "test"))
        b = sum(lg[(lang, True, s)] for s in ("train", "dev", "test"))
        t = lg[(lang, False, "test")] + lg[(lang, True, "test")]
        lines.append(f"| {lang} | {d} | {b} | {t} |")
    lines.append("")
    mincell = min(
        Counter(
            (r["label"], r["style"]) for r in rows if r["split"] == "test" and r["label"] != "benign"
        ).values()
    )
    lines.append(f"Smallest test (label, style) cell among disallowed labels: {mincell}")
    ob = Counter(r["obfuscation"] for r in rows if r["obfuscation"])
    lines.append("Obfuscation methods: " + ", ".join(f"{k} {v}" for k, v in sorted(ob.items())))
    th = Counter(r["theme"] for r in rows if r["label"] == "benign")
    lines.append("Benign themes: " + ", ".join(f"{k} {v}" for k, v in sorted(th.items())))
    return "\n".join(lines)


def main():
    rows = build()
    errors = validate(rows)
    say(report(rows))
    for e in errors:
        say("ERROR", e)
    if errors:
        return 1
    if "--check" not in sys.argv:
        with open(OUT, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        say(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
