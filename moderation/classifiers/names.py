"""Public-figure and rights-holder names in prompts, robust to obfuscation, with context rules.

`NameMatcher(rows).find(text)` looks every name and alias of the rows up in
the prompt's normal form (`normalize.words`: NFKC, invisibles, TR39
confusables, leetspeak, spaced and stretched letters, accents, case), as whole
words, and inside letter runs ("j o e b i d e n"). Rows are plain mappings
(`slug`, `name`, `aliases`, optionally `rights_holder`), read from any
iterable: the registries' database tables (`moderation.selectors.public_figure_rows`
and `rights_holder_rows`, loaded from `moderation/data/*.jsonl` by a data
migration and edited in the admin).

Context rules:

- a name that is a common word or very short ("Link", "Joy", "Storm", "Red")
  counts only with context: the franchise or rights holder named in the
  prompt, or a cue ("cartoon", "anime", "president", "singer" ...);
- a public figure is flagged when the prompt asks for a depiction
  (realistic video, fake footage, a deepfake, their voice, saying or doing
  something) and not when it is clearly about them without depicting them (a
  documentary narration, a biography, an explainer, "no faces").
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.categories import PUBLIC_FIGURE, RIGHTS_HOLDER
from moderation.classifiers import Scores
from moderation.classifiers.name_rules import (
    COMMON_WORDS,
    DEPICT,
    FIGURE_CUES,
    GENERIC,
    NON_DEPICT,
    NOT_DEPICTED,
    PUBLIC_DOMAIN,
    RIGHTS_CUES,
    SHOWING,
)
from moderation.classifiers.normalize import clean, words
from moderation.selectors.registries import public_figure_rows, rights_holder_rows

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAX_WORDS = 6


@dataclass(frozen=True)
class NameMatch:
    """One registry row named in a prompt."""

    slug: str
    name: str
    alias: str
    ambiguous: bool


@dataclass(frozen=True)
class _Needle:
    slug: str
    name: str
    alias: str
    ambiguous: bool
    context: frozenset[str]


def _tokens(text: str) -> list[str]:
    return words(text)


class NameMatcher:
    """Names and aliases of registry rows, found as whole words in a prompt's normal form."""

    def __init__(self, rows: Iterable[Mapping[str, Any]], *, cues: frozenset[str] = frozenset()) -> None:
        self.cues = cues
        self._index: dict[str, list[_Needle]] = {}
        self._squashed: dict[str, _Needle] = {}
        self._phrases: set[str] = set(cues)
        for row in rows:
            company = [
                w for w in _tokens(str(row.get("rights_holder", ""))) if len(w) > 3 and w not in GENERIC
            ]
            franchise = _tokens(_paren(row["name"]))
            words_of = [w for w in franchise if len(w) > 3 and w not in GENERIC]
            context = frozenset([*company[:1], " ".join(franchise), *words_of]) - {""}
            for alias in [row["name"], *row.get("aliases", [])]:
                key_words = _tokens(re.sub(r"\s*\(.*?\)", "", alias))
                if not key_words or len(key_words) > MAX_WORDS:
                    continue
                key = " ".join(key_words)
                ambiguous = len(key_words) == 1
                self._phrases |= context
                needle = _Needle(str(row["slug"]), str(row["name"]), alias, ambiguous, context)
                self._index.setdefault(key, []).append(needle)
                squashed = key.replace(" ", "")
                if len(squashed) >= 6 and not ambiguous:
                    self._squashed.setdefault(squashed, needle)

    def find(self, text: str) -> list[NameMatch]:
        """Every row named in the text (once per slug), ambiguous names only with context."""
        runs: list[str] = []
        tokens = words(text, runs)
        padded = " " + " ".join(tokens) + " "
        present = {phrase for phrase in self._phrases if f" {phrase} " in padded}
        capitalised = {w.casefold() for w in _CAPITALISED.findall(clean(text))}
        found: dict[str, NameMatch] = {}
        for n in range(MAX_WORDS, 0, -1):
            for i in range(len(tokens) - n + 1):
                for needle in self._index.get(" ".join(tokens[i : i + n]), []):
                    if needle.ambiguous and not _single_word_counts(needle, capitalised, present, self.cues):
                        continue
                    found.setdefault(
                        needle.slug, NameMatch(needle.slug, needle.name, needle.alias, needle.ambiguous)
                    )
        for token in tokens:
            squashed_hit = self._squashed.get(token)
            if squashed_hit is not None:
                found.setdefault(
                    squashed_hit.slug,
                    NameMatch(squashed_hit.slug, squashed_hit.name, squashed_hit.alias, False),
                )
        for run in runs:
            for squashed, needle in self._squashed.items():
                if squashed in run:
                    found.setdefault(needle.slug, NameMatch(needle.slug, needle.name, needle.alias, False))
        return list(found.values())


_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")


def _single_word_counts(
    needle: _Needle, capitalised: set[str], present: set[str], cues: frozenset[str]
) -> bool:
    """A one-word name counts with context (its franchise, or a cue word), or written as a name
    (capitalised mid-sentence) when it is not a common word."""
    if present & (needle.context | cues):
        return True
    word = " ".join(words(needle.alias))
    return word not in COMMON_WORDS and len(word) > 3 and word in capitalised


def _paren(name: str) -> str:
    inner = re.search(r"\((.*?)\)", name)
    return inner.group(1) if inner else ""


def depicts(text: str, names: Iterable[str] = ()) -> bool:
    """Whether a prompt naming a public figure asks to depict them (vs. only being about them).

    Saying it is in someone's own voice, or that no faces are shown, settles it as not depicting.
    Otherwise a depiction cue, or footage/a video/a photo *of* them, settles it as depicting;
    without one, a non-depicting cue (a
    documentary, an explainer) or the name used as a possessive ("Obama's memoir") means not."""
    lowered = " ".join(words(text))
    if NOT_DEPICTED.search(lowered):
        return False
    if DEPICT.search(lowered):
        return True
    named = [f" {' '.join(w)} " for w in map(words, names) if w]
    if any(n in f" {shown.group(1)}" for shown in SHOWING.finditer(lowered + " ") for n in named):
        return True
    if NON_DEPICT.search(lowered):
        return False
    folded = clean(text).casefold()
    return not any(re.search(re.escape(n.casefold()) + r"(?:'s|s'|')(?!\w)", folded) for n in names)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@functools.cache
def shipped() -> tuple[NameMatcher, NameMatcher]:
    """(public figures, rights holders) matchers over the shipped files (the evaluation without a database)."""
    return (
        NameMatcher(read_jsonl(DATA_DIR / "public_figures.jsonl"), cues=FIGURE_CUES),
        NameMatcher(read_jsonl(DATA_DIR / "rights_holders.jsonl"), cues=RIGHTS_CUES),
    )


class _RegistryMatchers:
    """Matchers over the registries' active rows, rebuilt only when a registry changed.

    The selectors return the same list object while nothing changed, so the
    steady state costs one cache read per registry and no query."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: tuple[Any, Any, NameMatcher, NameMatcher, dict[str, str]] | None = None

    def get(self) -> tuple[NameMatcher, NameMatcher, dict[str, str]]:
        """(figures matcher, rights matcher, rights slug -> the holder's choice), built once per change."""
        figure_rows, rights_rows = public_figure_rows(), rights_holder_rows()
        with self._lock:
            built = self._built
            if built is None or built[0] is not figure_rows or built[1] is not rights_rows:
                built = (
                    figure_rows,
                    rights_rows,
                    NameMatcher(figure_rows, cues=FIGURE_CUES),
                    NameMatcher(rights_rows, cues=RIGHTS_CUES),
                    {row["slug"]: row.get("choice") or "block" for row in rights_rows},
                )
                self._built = built
        return built[2], built[3], built[4]


registry_matchers = _RegistryMatchers()


class RegistryNameClassifier:
    """Prompt classifier over the shipped registries: a depicted public figure or a named character scores 1.0."""

    name = "registry_names"
    model_id = "registry_names:v1"

    def score_texts(self, texts: list[str]) -> list[Scores]:
        figures, rights, choices = registry_matchers.get()
        out = []
        for text in texts:
            scores: dict[str, float] = {}
            reasons: list[str] = []
            matches: list[dict[str, Any]] = []
            people = figures.find(text)
            if people and depicts(text, [m.alias for m in people]):
                scores[PUBLIC_FIGURE] = 1.0
                reasons += [f"public_figure:{m.slug}" for m in people[:3]]
            for m in [] if PUBLIC_DOMAIN.search(text.casefold()) else rights.find(text):
                matches.append(
                    {"slug": m.slug, "score": 1.0, "choice": choices.get(m.slug, "block"), "via": "registry"}
                )
            if matches:
                scores[RIGHTS_HOLDER] = 1.0
            out.append(
                Scores(scores=scores, reasons=reasons, matches=matches, model_ids={self.name: self.model_id})
            )
        return out
