"""Dialogue lines in a prompt: what a character would say or sing, as separate texts to check.

A prompt can bury a line of speech inside a long scene ("... the narrator says
'<something hateful>' as the camera pans"). The prompt classifiers score the
whole prompt, where one line weighs little; the audio check scores each line
on its own, as the soundtrack would speak it. Pure functions, no I/O.

What counts as a line:

- quoted text: "…", “…”, «…», „…“, and '…' between word boundaries;
- the words after a speech verb (says, sings, shouts, whispers, raps, …)
  with a colon or "that", up to the end of the sentence;
- lyrics: the words after "lyrics:" / "lyrics are" / "the lyrics" up to the
  end of the sentence;
- script lines: `NAME: words` where NAME is written in capitals.
"""

from __future__ import annotations

import re

MAX_LINES = 8
MIN_CHARS = 2

_QUOTES = [
    re.compile(r'"([^"\n]+)"'),
    re.compile(r"“([^”\n]+)”"),
    re.compile(r"«([^»\n]+)»"),
    re.compile(r"„([^“”\n]+)[“”]"),
    re.compile(r"‘([^’\n]+)’"),
    # Straight single quotes only around words, so apostrophes ("don't") are not quotes.
    re.compile(r"(?<![\w'])'([^'\n]*[^'\s])'(?![\w'])"),
]
_VERBS = (
    r"says?|said|saying|sings?|sang|singing|sung|shouts?|shouting|shouted|yells?|yelling|yelled"
    r"|whispers?|whispering|whispered|screams?|screaming|screamed|chants?|chanting|chanted"
    r"|raps?|rapping|rapped|narrates?|narrating|speaks?|speaking|tells?|telling|replies|replying|asks?|asking"
)
_SPEECH = re.compile(rf"\b(?:{_VERBS})\b\s*(?::|,\s*|\bthat\b)\s*(?P<line>\w[^.!?\n\"“”«»]*)", re.IGNORECASE)
_LYRICS = re.compile(
    r"\blyrics\b\s*(?::|\bare\b|\bgo\b|\bgoing\b|\bsaying\b)\s*(?P<line>\w[^.!?\n\"“”«»]*)", re.IGNORECASE
)
_SCRIPT = re.compile(r"^\s*(?P<name>[A-Z][A-Z .'-]{0,30}[A-Z])\s*:\s*(?P<line>.+?)\s*$", re.MULTILINE)


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-'\"")


def dialogue_lines(prompt: str, *, limit: int = MAX_LINES) -> list[str]:
    """The prompt's spoken or sung lines, in order of appearance, each once, at most `limit`."""
    found: list[tuple[int, str]] = []
    for pattern in _QUOTES:
        found += [(m.start(), m.group(1)) for m in pattern.finditer(prompt)]
    for pattern in (_SPEECH, _LYRICS, _SCRIPT):
        found += [(m.start("line"), m.group("line")) for m in pattern.finditer(prompt)]
    lines: list[str] = []
    seen: set[str] = set()
    for _start, raw in sorted(found, key=lambda item: item[0]):
        line = _clean(raw)
        key = line.casefold()
        if len(line) < MIN_CHARS or key in seen or any(key in other for other in seen):
            continue
        seen.add(key)
        lines.append(line)
        if len(lines) == limit:
            break
    return lines
