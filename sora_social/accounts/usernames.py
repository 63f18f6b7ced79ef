"""Username skeletons: one string for every spelling that renders alike.

A member's name is shown everywhere their videos and cameos are; a newcomer
named "\u0430lice" (Cyrillic a) or "ALICE" could pass for "alice". Usernames
are stored NFKC-normalised (Django's `normalize_username`: full-width and
compatibility forms become plain letters), and each member's skeleton is
stored in a column with a unique index, so two lookalike names cannot both
exist, whatever road the second one takes and however many sign up at once.

The skeleton follows Unicode TR39's: NFKC, case-folded, then every character
replaced by the representative of its confusables class, twice (a
representative may itself fold or map on), then NFD. Classes come from
the Unicode consortium's confusables data as packaged by
`confusable_homoglyphs` (no download at run time): each character's listed
homoglyphs are joined into one class, whose representative is its ASCII
member with the lowest code point where there is one; a character whose only
lookalike is a sequence ("m" and "rn") maps to that sequence.

It must stay importable without Django models (the data migration uses it).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib import resources

_MARKS = str.maketrans("", "", "\u200e\u200f")  # direction marks the data wraps RTL glyphs in


@functools.cache
def _prototypes() -> dict[str, str]:
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sequences: dict[str, str] = {}
    for raw, glyphs in data.items():
        char = raw.translate(_MARKS)
        if len(char) != 1:
            continue
        for glyph in glyphs:
            other = glyph["c"].translate(_MARKS)
            if len(other) == 1:
                a, b = find(char), find(other)
                if a != b:
                    parent[a] = b
            elif other and len(glyphs) == 1:
                sequences[char] = other
    classes: dict[str, list[str]] = {}
    for char in list(parent):
        classes.setdefault(find(char), []).append(char)
    mapping: dict[str, str] = {}
    for members in classes.values():
        representative = min(members, key=lambda c: (not c.isascii(), ord(c)))
        for char in members:
            if char != representative:
                mapping[char] = representative
    for char, sequence in sequences.items():
        mapping.setdefault(char, sequence)
    return mapping


def _map(text: str) -> str:
    table = _prototypes()
    return "".join(table.get(c, c) for c in text)


def normalize_username(username: str) -> str:
    """What is stored: NFKC, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", username.strip())


def username_skeleton(username: str) -> str:
    """Equal for names that render alike (TR39 skeleton over the case-folded NFKC name)."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", username).casefold())
    text = _map(text).casefold()
    text = _map(unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", text)
