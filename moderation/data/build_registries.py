"""Build moderation/data/public_figures.jsonl and rights_holders.jsonl from the
hand-written source lists in moderation/data/src/ (stdlib only, deterministic).

    python moderation/data/build_registries.py          # write both files
    python moderation/data/build_registries.py --check  # validate only

Source formats (lines starting with '#' are comments):

figures_*.txt
    @<kind> <CC>            section header: kind and ISO 3166 alpha-2 country
    Name;alias;alias|CC     one person; '|CC' optionally overrides the country
    Name;alias|CC kind      ... and '|CC kind' (or '|- kind') also overrides the kind

rights_*.txt
    @<kind> <Rights holder> section header: kind is character or franchise
    Name;alias;alias|description
"""

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path


def say(*parts):
    """Write one line to stdout (the scripts are command-line tools)."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


HERE = Path(__file__).resolve().parent
SRC = HERE / "src"

FIGURE_KINDS = {"head_of_state", "politician", "entertainer", "athlete", "business", "other"}
RIGHTS_KINDS = {"character", "franchise"}


def fold(text):
    """ASCII-fold: 'Beyoncé' -> 'Beyonce'."""
    norm = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in norm if not unicodedata.combining(c))
        .replace("ø", "o")
        .replace("Ø", "O")
        .replace("đ", "d")
        .replace("Đ", "D")
        .replace("ł", "l")
        .replace("ß", "ss")
    )


def slugify(text):
    s = fold(text).lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def clean_aliases(name, aliases):
    seen = {name.casefold()}
    out = []
    for a in list(aliases) + [fold(name)] + [fold(a) for a in aliases]:
        a = a.strip()
        if not a or a.casefold() in seen:
            continue
        seen.add(a.casefold())
        out.append(a)
    return out


def read_sections(pattern):
    for path in sorted(SRC.glob(pattern)):
        section = None
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                kind, _, rest = line[1:].partition(" ")
                section = (kind, rest.strip())
                continue
            if section is None:
                raise SystemExit(f"{path.name}:{lineno}: entry before a section header")
            yield path.name, lineno, section, line


def build_figures():
    rows, errors = [], []
    for fname, lineno, (kind, cc), line in read_sections("figures_*.txt"):
        body, _, override = line.partition("|")
        parts = [p.strip() for p in body.split(";")]
        name, aliases = parts[0], parts[1:]
        ov = override.split()
        country = (ov[0] if ov and ov[0] != "-" else cc).upper()
        if len(ov) > 1:
            kind = ov[1]
        if kind not in FIGURE_KINDS:
            errors.append(f"{fname}:{lineno}: bad kind {kind}")
        if not re.fullmatch(r"[A-Z]{2}", country):
            country = ""  # 'other' / unclear: left blank
        rows.append(
            {
                "slug": slugify(name),
                "name": name,
                "aliases": clean_aliases(name, aliases),
                "kind": kind,
                "country": country,
            }
        )
    return rows, errors


def build_rights():
    rows, errors = [], []
    for fname, lineno, (kind, holder), line in read_sections("rights_*.txt"):
        body, sep, desc = line.partition("|")
        if not sep or not desc.strip():
            errors.append(f"{fname}:{lineno}: missing description")
        parts = [p.strip() for p in body.split(";")]
        name, aliases = parts[0], parts[1:]
        if kind not in RIGHTS_KINDS:
            errors.append(f"{fname}:{lineno}: bad kind {kind}")
        rows.append(
            {
                "slug": slugify(name),
                "name": name,
                "kind": kind,
                "rights_holder": holder,
                "aliases": clean_aliases(name, aliases),
                "description": desc.strip(),
            }
        )
    return rows, errors


def validate(rows, label, minimum, required):
    errors = []
    slugs: dict[str, str] = {}
    names: dict[str, str] = {}
    for r in rows:
        for f in required:
            if f not in r or (r[f] in ("", None) and f != "country"):
                errors.append(f"{label}: {r.get('name')}: missing {f}")
        if r["slug"] in slugs:
            errors.append(f"{label}: duplicate slug {r['slug']} ({r['name']} / {slugs[r['slug']]})")
        slugs[r["slug"]] = r["name"]
        key = fold(r["name"]).casefold()
        if key in names:
            errors.append(f"{label}: duplicate name {r['name']}")
        names[key] = r["name"]
    if len(rows) < minimum:
        errors.append(f"{label}: only {len(rows)} rows, need >= {minimum}")
    return errors


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    figures, e1 = build_figures()
    rights, e2 = build_rights()
    errors = e1 + e2
    errors += validate(figures, "public_figures", 1500, ["slug", "name", "aliases", "kind", "country"])
    errors += validate(
        rights, "rights_holders", 500, ["slug", "name", "kind", "rights_holder", "aliases", "description"]
    )
    for e in errors:
        say("ERROR", e)
    say(
        "public_figures:",
        len(figures),
        dict(Counter(r["kind"] for r in figures)),
        "countries:",
        len({r["country"] for r in figures if r["country"]}),
    )
    say(
        "rights_holders:",
        len(rights),
        dict(Counter(r["kind"] for r in rights)),
        "holders:",
        len({r["rights_holder"] for r in rights}),
    )
    if errors:
        return 1
    if "--check" not in sys.argv:
        write_jsonl(HERE / "public_figures.jsonl", figures)
        write_jsonl(HERE / "rights_holders.jsonl", rights)
    return 0


if __name__ == "__main__":
    sys.exit(main())
