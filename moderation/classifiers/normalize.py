"""Text normalisation before every text check (blocklist, lexicons, names, embeddings).

Two forms:

- `clean(text)`: a readable form for the sentence embeddings and the heads. In
  order: Unicode NFKC; zero-width and other invisible characters removed
  (format characters, variation selectors, soft hyphens); look-alike letters
  from other scripts folded to Latin (Unicode TR39 confusables, from the
  `confusable_homoglyphs` data) where a word mixes scripts or the text is
  mostly Latin (mixed scripts); letters spaced, dotted, dashed or underscored
  out one by one joined ("s u i c i d e", "n.u.d.e", "b-o-m-b"); leetspeak
  undone inside words that mix letters with digits or symbols ("g0r3",
  "n4k3d"); letters stretched three times or more squeezed ("nuuuude").
- `words(text)` / `normalize(text)` / `NormalText`: the matching form for term
  and name lookups: `clean` plus case, accents (NFKD), leetspeak everywhere,
  and punctuation dropped.

It does not undo synonyms, misspellings or censoring with `*` beyond what the
classifiers learnt from examples.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

_LEET_MAP = {
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
_LEET = str.maketrans(_LEET_MAP)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STRETCH = re.compile(r"(.)\1{2,}")
_STRETCH_LETTERS = re.compile(r"([^\W\d_])\1{2,}")
# Letters separated one by one by spaces, dots, dashes, underscores or slashes: at least three letters.
_SPACED = re.compile(r"(?<![\w*])(?:[^\W_][ .\-_/·•]{1,2}){2,}[^\W_](?![\w*])")
_SEPARATORS = re.compile(r"[ .\-_/·•]")
# A word that mixes letters with leet digits or symbols ("g0r3", "n4k3d", "$uicide").
_LEETY = re.compile(r"(?<!\w)(?=[\w@$!|]*[a-zA-Z])(?=[\w@$!|]*[0134578@$!|])[\w@$!|]{3,}")
_MEASURE = re.compile(r"\d+(?:s|st|nd|rd|th|k|p|mm|cm|m|km|kg|fps|d|px|h|min|am|pm|ft|in)", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


def _invisible(ch: str) -> bool:
    if ch in "\n\t ":
        return False
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width space/joiners, word joiner, bidi marks, soft hyphen
        return True
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or (category == "Mn" and code in (0x034F,))


def strip_invisible(text: str) -> str:
    """Zero-width and invisible characters removed (U+200B/C/D, U+2060, U+FEFF, bidi marks, selectors)."""
    return "".join(ch for ch in text if not _invisible(ch))


@functools.cache
def _to_latin() -> dict[str, str]:
    """Non-ASCII characters that TR39 lists as confusable with one ASCII letter or digit, to that letter."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    mapping: dict[str, str] = {}
    for raw, glyphs in data.items():
        char = raw.strip("\u200e\u200f")
        if len(char) != 1 or char.isascii():
            continue
        for glyph in glyphs:
            other = glyph["c"].strip("\u200e\u200f")
            if len(other) == 1 and other.isascii() and other.isalnum():
                mapping[char] = other.lower() if char.islower() or not char.isupper() else other
                break
    return mapping


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""


def fold_confusables(text: str) -> str:
    """Look-alike letters from other scripts folded to Latin (TR39), where that is what they stand for.

    A word is folded when it mixes Latin with other scripts ("sех" with a
    Cyrillic "е" and "х"), and every word is folded when most letters of the
    text are Latin (a Cyrillic "а" as an English article). Text written in
    another script (a Russian sentence) is left alone."""
    table = _to_latin()
    letters = _LETTER.findall(text)
    latin = sum(1 for ch in letters if ch.isascii() or _script(ch) == "LATIN")
    mostly_latin = bool(letters) and latin * 2 > len(letters)

    def fold_word(match: re.Match[str]) -> str:
        word = match.group(0)
        if not mostly_latin:
            scripts = {_script(ch) for ch in word if _LETTER.match(ch)}
            if len(scripts) < 2 or "LATIN" not in scripts:
                return word
        return "".join(table.get(ch, ch) if not ch.isascii() else ch for ch in word)

    return re.sub(r"\S+", fold_word, text)


def join_spaced(text: str) -> str:
    """Letters spaced or dotted out one by one joined: "s u i c i d e" → "suicide", "n.u.d.e" → "nude"."""
    return _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)


def _unleet_word(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if _MEASURE.fullmatch(word) else word.translate(_LEET)


def unleet(text: str) -> str:
    """Leetspeak undone inside words that mix letters with digits or symbols ("g0r3" → "gore").

    Numbers with a unit or ordinal ("1990s", "35mm", "4k", "2nd") stay as they are."""
    return _LEETY.sub(_unleet_word, text)


def squeeze(text: str) -> str:
    """Letters repeated three times or more cut to one ("nuuuude" → "nude")."""
    return _STRETCH_LETTERS.sub(r"\1", text)


def clean(text: str, *, join: bool = True) -> str:
    """The readable normal form fed to the embeddings, lexicons and name matching.

    `join=False` leaves spaced-out letters alone: `words` joins them itself and
    keeps each joined run, so a term glued to a one-letter word is still found."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_invisible(text)
    text = fold_confusables(text)
    if join:
        text = join_spaced(text)
    text = unleet(text)
    return squeeze(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", clean(text, join=False))
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
