"""Text normalisation for blocklists and name matching.

Evasions it undoes: case, accents and look-alike letters (NFKD), leetspeak
digits and symbols, punctuation between letters, letters spaced out one by one
("n u d e"), and stretched letters ("nuuuude"). It does not undo synonyms,
misspellings beyond those, or other scripts' homoglyphs beyond what NFKD maps.
"""

from __future__ import annotations

import re
import unicodedata

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STRETCH = re.compile(r"(.)\1{2,}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str, runs: list[str] | None = None) -> list[str]:
    """Normalised words, with runs of single letters joined ("n u d e" → "nude").

    Joined runs are also appended to `runs` when given: a run may glue a real
    one-letter word to a spaced-out term ("a n a k e d"), so terms are looked
    for inside runs too (`contains_term`)."""
    folded = _fold(text).translate(_LEET)
    folded = _STRETCH.sub(r"\1", folded)
    tokens = [t for t in _NON_WORD.split(folded) if t]
    joined: list[str] = []
    run: list[str] = []
    for token in tokens:
        if len(token) == 1:
            run.append(token)
            continue
        if run:
            joined.append("".join(run))
            if runs is not None and len(run) > 1:
                runs.append(joined[-1])
            run = []
        joined.append(token)
    if run:
        joined.append("".join(run))
        if runs is not None and len(run) > 1:
            runs.append(joined[-1])
    return joined


def normalize(text: str) -> str:
    """A padded, single-spaced normal form: match a term with `f" {term} " in normalize(text)`."""
    return " " + " ".join(words(text)) + " "


class NormalText:
    """A text's normal form plus its spaced-out letter runs, for `matches`."""

    __slots__ = ("padded", "runs")

    def __init__(self, text: str) -> None:
        runs: list[str] = []
        self.padded = " " + " ".join(words(text, runs)) + " "
        self.runs = runs

    def matches(self, needle: str) -> bool:
        """Whether a normalised term (`normalize(term)`) occurs as whole words, or inside a letter run."""
        if not needle.strip():
            return False
        if needle in self.padded:
            return True
        squashed = needle.replace(" ", "")
        return len(squashed) >= 4 and any(squashed in run for run in self.runs)
