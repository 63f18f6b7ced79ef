"""Voice imitation: a prompt asking for a real singer's or actor's voice scores `public_figure`.

"in the voice of <name>", "<name>'s voice", "sounds like <name>", "sing like
<name>", "impersonate <name>", "a voice clone of <name>": the name is looked up
in the shipped public-figures registry (`moderation/data/public_figures.jsonl`:
entertainers, and politicians and heads of state, whose cloned voice is the
deepfake the category exists for) after the same folding on both sides
(NFKC, accents, case, punctuation), longest name first. Rules only, no model.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from moderation.categories import PUBLIC_FIGURE
from moderation.classifiers import Scores

DATA = Path(__file__).resolve().parent.parent / "data" / "public_figures.jsonl"
VOICE_KINDS = frozenset({"entertainer", "politician", "head_of_state"})
MIN_NAME_CHARS = 4  # shorter aliases ("MJ") are too often ordinary words
MAX_NAME_TOKENS = 6

# After a trigger, the name follows; before "voice", the name precedes.
_AFTER = re.compile(
    r"\b(?:(?:in|with|using)\s+(?:the\s+|a\s+)?voice\s+of|voice\s+of|sounds?\s+(?:just\s+|exactly\s+)?like"
    r"|sounding\s+like|sings?\s+like|singing\s+like|sung\s+like|speaks?\s+like|talks?\s+like"
    r"|imitat(?:e|es|ing|ion\s+of)|impersonat(?:e|es|ing|ion\s+of)|mimic(?:s|king)?"
    r"|voice\s+clone\s+of|cloned\s+voice\s+of|as\s+sung\s+by|narrated\s+by|read\s+by|voiced\s+by)\s+"
)
_BEFORE = re.compile(r"\s(?:s\s+)?(?:voice|vocals|singing\s+voice|voice\s+clone)\b")


def fold(text: str) -> str:
    """NFKC, accents off, case-folded, every run of non-letters a single space."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+|_", " ", plain).split())


@functools.lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], str]:
    """(folded name or alias → slug, a hash of the data for the model id)."""
    raw = DATA.read_bytes()
    names: dict[str, str] = {}
    for line in raw.decode("utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry.get("kind") not in VOICE_KINDS:
            continue
        for name in [entry["name"], *entry.get("aliases", [])]:
            key = fold(name)
            if len(key) >= MIN_NAME_CHARS:
                names.setdefault(key, entry["slug"])
    return names, hashlib.sha256(raw).hexdigest()[:8]


def _name_at(tokens: list[str], names: dict[str, str]) -> str | None:
    """The slug of the longest registry name that `tokens` start with."""
    for size in range(min(MAX_NAME_TOKENS, len(tokens)), 0, -1):
        slug = names.get(" ".join(tokens[:size]))
        if slug:
            return slug
    return None


def voice_imitations(text: str) -> list[str]:
    """Slugs of the public figures whose voice the prompt asks for, in order, each once."""
    names, _ = _names()
    folded = fold(text)
    found: list[str] = []
    for match in _AFTER.finditer(folded):
        slug = _name_at(folded[match.end() :].split(), names)
        if slug and slug not in found:
            found.append(slug)
    for match in _BEFORE.finditer(folded):
        before = folded[: match.start()].split()
        for size in range(min(MAX_NAME_TOKENS, len(before)), 0, -1):
            slug = names.get(" ".join(before[-size:]))
            if slug:
                if slug not in found:
                    found.append(slug)
                break
    return found


class VoiceImitationDetector:
    """A rule classifier under the text-classifier interface: `public_figure` 1.0 on a voice request."""

    name = "voice_imitation"

    @property
    def model_id(self) -> str:
        return f"voice-rules:{_names()[1]}"

    def score_texts(self, texts: list[str]) -> list[Scores]:
        results = []
        for text in texts:
            slugs = voice_imitations(text)
            result = Scores(model_ids={self.name: self.model_id})
            if slugs:
                result.scores[PUBLIC_FIGURE] = 1.0
                result.reasons.extend(f"voice:{slug}" for slug in slugs)
            results.append(result)
        return results


def voice_imitation_scores(text: str) -> Scores:
    """`public_figure` 1.0 (reasons `voice:<slug>`) when the prompt asks for a real person's voice."""
    return VoiceImitationDetector().score_texts([text])[0]
