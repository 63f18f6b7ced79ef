"""The prompt-safety evaluation set and the registries are whole, valid and what their builders write."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_module(path: Path):
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(path.parent))


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_committed_files_validate_and_match_a_fresh_build(capsys):
    """validate.py passes: fields, uniqueness, one split per group, size floors, and a fresh build equals the file."""
    validate = _load_module(ROOT / "moderation" / "eval" / "validate.py")
    assert validate.main() == 0, capsys.readouterr().out


def test_the_registries_are_what_their_sources_build():
    """build_registries.py rebuilds both registries from their sources without an error, to the row."""
    builder = _load_module(ROOT / "moderation" / "data" / "build_registries.py")
    figures, figure_errors = builder.build_figures()
    rights, rights_errors = builder.build_rights()
    assert figure_errors == rights_errors == []
    assert figures == _rows(ROOT / "moderation" / "data" / "public_figures.jsonl")
    assert rights == _rows(ROOT / "moderation" / "data" / "rights_holders.jsonl")


def test_the_set_has_every_category_in_every_style_in_every_split():
    """Nine disallowed categories x five styles, each cell in train, dev and test; at least half benign."""
    rows = _rows(ROOT / "moderation" / "eval" / "prompts.jsonl")
    labels = {r["label"] for r in rows} - {"benign"}
    assert len(labels) == 9
    cells = Counter((r["label"], r["style"], r["split"]) for r in rows if r["label"] != "benign")
    for label in labels:
        for style in ("plain", "obfuscated", "euphemism", "multilingual", "long"):
            assert cells[(label, style, "test")] >= 8, (label, style)
            assert cells[(label, style, "train")] > 0
            assert cells[(label, style, "dev")] > 0
    assert sum(r["label"] == "benign" for r in rows) * 2 >= len(rows)
    assert len({r["lang"] for r in rows if r["style"] == "multilingual"}) >= 6
