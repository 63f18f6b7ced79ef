"""Owner rules of a cameo, checked against a generation's prompt.

Two parts, both set by the owner (`PATCH /api/v1/cameos/{id}`):

- `restrictions`: structured codes (`RESTRICTIONS`). Each names moderation
  categories with this cameo's own thresholds, much stricter than the global
  policy (a "no political content" owner is protected by a political score
  that refuses nobody else), plus keywords that refuse without any model.
  `approval_required` is not a content rule: every use waits for the owner's
  approval of that generation (see docs/CAMEOS.md).
- `rules`: free text. Split into clauses; a clause that forbids something is
  compared with the prompt by sentence-embedding similarity, with a bonus
  when the prompt shares one of the clause's content words. The threshold was
  measured on `cameos/eval/rules.jsonl` (`manage.py cameos_rules_eval`).

This module is pure: no model, no database. Callers pass the moderation
scores and an embedding function when they have them (workers); without
them (the web tier at submit) only the keyword parts run, so a prompt that
names the forbidden thing is refused at once and the rest is caught moments
later in `checking_prompt`, before any GPU time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

APPROVAL_REQUIRED = "approval_required"


@dataclass(frozen=True)
class Restriction:
    label: str
    # moderation category → the score at or above which this cameo refuses
    thresholds: dict[str, float]
    keywords: re.Pattern[str] | None


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


RESTRICTIONS: dict[str, Restriction] = {
    "no_political": Restriction(
        "No political content",
        {"political": 0.5},
        _words(
            r"politic\w*|elections?|electoral|campaign(?:s|ing)?|candidates?|ballots?|votes?|voting|voters?"
            r"|senat\w*|congress\w*|parliament\w*|presiden\w*|prime minister|governor\w*|mayor\w*"
            r"|democrats?|republicans?|protest\w*|rall(?:y|ies)|referend\w*|endors\w*|propaganda|manifesto"
        ),
    ),
    "no_sexual": Restriction(
        "No sexual or suggestive content",
        {"sexual": 0.5, "sexual_minors": 0.3, "suggestive": 0.55},
        _words(
            r"sexy|sexual\w*|sex|nude\w*|naked|nudity|lingerie|bikinis?|underwear|topless|striptease"
            r"|strippers?|stripping|seduc\w*|sultry|erotic\w*|porn\w*|kiss\w*|making out|twerk\w*"
            r"|lap ?dance\w*|provocativ\w*|flirt\w*|onlyfans"
        ),
    ),
    "no_violence": Restriction(
        "No violence",
        {"violence": 0.35, "self_harm": 0.35},
        _words(
            r"kill\w*|murder\w*|stab\w*|shoot\w*|shot|guns?|gunfight\w*|blood\w*|gore|gory|punch\w*"
            r"|beat(?:en|ing)? up|fight\w*|attack\w*|tortur\w*|weapons?|knife|knives|explod\w*|explosion\w*"
            r"|bomb\w*|war|assault\w*|decapitat\w*|strangl\w*|dead|dies?|dying"
        ),
    ),
    "no_appearance_changes": Restriction(
        "No changes to my appearance",
        {"appearance_change": 0.3},
        _words(
            r"bald|fat|fatter|obese|skinny|thinner|older|younger|aged|ageing|aging|wrinkl\w*|tattoo\w*"
            r"|makeover|haircut|hair ?cut|dyed|(?:purple|blue|green|pink|red|blonde?|grey|gray|white) hair"
            r"|beard\w*|moustache|mustache|plastic surgery|gender ?swap\w*|face ?swap\w*"
            r"|skin (?:colou?r|tone)|morph\w*|weight|muscl\w*"
        ),
    ),
    "no_demeaning": Restriction(
        "Nothing embarrassing or demeaning",
        {"demeaning": 0.5, "harassment": 0.5, "hate": 0.5},
        _words(
            r"embarrass\w*|humiliat\w*|ridicul\w*|mock\w*|laugh(?:ed|ing)? at|stupid|idiot\w*|dumb|ugly"
            r"|loser|vomit\w*|puk(?:e|es|ed|ing)|drunk|wasted|pee(?:s|d|ing)?|poop\w*|diapers?|fart\w*"
            r"|wet(?:s|ting)? (?:my|his|her|their) pants|pick(?:s|ing)? (?:my|his|her|their) nose"
            r"|crying|begg\w*|slip(?:s|ped|ping)? on|trip(?:s|ped|ping)? over|clowns?"
        ),
    ),
    APPROVAL_REQUIRED: Restriction("Only in videos I approve", {}, None),
}

RESTRICTION_CODES: tuple[str, ...] = tuple(RESTRICTIONS)


# --- free text ---------------------------------------------------------------

# Measured on cameos/eval/rules.jsonl (train part), see docs/CAMEOS.md.
FREE_TEXT_THRESHOLD = 0.31
KEYWORD_BONUS = 0.2
# A prompt using at least this share of a clause's content words breaks it outright.
KEYWORD_SHARE = 0.5

_CLAUSE_SPLIT = re.compile(
    r"[.;!?\n]+|,|\bbut\b|\bor\b|\band\b(?=\s+(?:no|never|not|don'?t|nothing)\b)", re.I
)
_TOKEN = re.compile(r"[a-z][a-z']+")
_NEGATIONS = frozenset(
    {
        "no",
        "never",
        "not",
        "don't",
        "dont",
        "do",
        "without",
        "avoid",
        "nothing",
        "none",
        "stop",
        "nor",
        "zero",
    }
)
_PERMISSIONS = frozenset({"ok", "okay", "fine", "allowed", "welcome", "love", "happy", "sure", "great"})
_STOPWORDS = frozenset(
    {
        *_NEGATIONS,
        *_PERMISSIONS,
        "a", "an", "the", "i", "me", "my", "mine", "myself", "in", "on", "of", "to", "for", "with", "as",
        "at", "by", "or", "and", "any", "anything", "ever", "please", "video", "videos", "content", "use",
        "using", "used", "put", "show", "showing", "make", "making", "cast", "casting", "is", "are", "be",
        "being", "it", "its", "this", "that", "these", "those", "like", "kind", "sort", "stuff", "things",
        "thing", "anyone", "someone", "where", "which", "who", "what", "when", "all", "only", "just",
        "also", "very", "more", "less", "than", "them", "they", "their", "you", "your", "from", "into",
        "about", "should", "must", "can", "cannot", "can't", "won't", "will", "would", "let", "doing",
        "involving", "involve", "involves", "related", "type", "types",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Clause:
    text: str  # as the owner wrote it
    subject: str  # what it forbids, without negations (what gets embedded)
    keywords: tuple[str, ...]


def clauses(rules: str) -> list[Clause]:
    """The prohibitions in free-text rules. A clause that only permits ("funny stuff is fine") is not one."""
    out: list[Clause] = []
    for raw in _CLAUSE_SPLIT.split(rules or ""):
        text = raw.strip(" -*\t")
        tokens = _TOKEN.findall(text.lower())
        if not tokens:
            continue
        negated = any(t in _NEGATIONS or t.endswith("n't") for t in tokens)
        if not negated and any(t in _PERMISSIONS for t in tokens):
            continue
        keywords = tuple(dict.fromkeys(t for t in tokens if t not in _STOPWORDS and len(t) >= 3))
        if not keywords:
            continue
        subject = " ".join(t for t in tokens if t not in _NEGATIONS and not t.endswith("n't"))
        out.append(Clause(text=text[:200], subject=subject, keywords=keywords))
    return out


def _same_word(a: str, b: str) -> bool:
    """Equal, or sharing a stem: a common prefix of at least 4 letters missing at most 3 of either."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 4 and n >= min(len(a), len(b)) - 3


def keyword_hits(keywords: Iterable[str], prompt: str) -> list[str]:
    tokens = set(_TOKEN.findall(prompt.lower()))
    return [k for k in keywords if any(_same_word(k, t) for t in tokens)]


def coverage(clause: Clause, prompt: str) -> tuple[float, list[str]]:
    """The share of the clause's content words the prompt uses, and which."""
    hits = keyword_hits(clause.keywords, prompt)
    return len(hits) / len(clause.keywords), hits


def clause_scores(
    prompt: str, found: list[Clause], embed: Callable[[list[str]], np.ndarray] | None
) -> list[tuple[Clause, float, float, list[str]]]:
    """(clause, score, keyword coverage, matched keywords) per clause.

    The score is the cosine similarity of prompt and clause subject (0
    without a model) plus `KEYWORD_BONUS` × coverage.
    """
    if not found:
        return []
    sims = np.zeros(len(found), dtype=np.float32)
    if embed is not None:
        vectors = embed([prompt, *[c.subject for c in found]])
        sims = vectors[1:] @ vectors[0]
    out = []
    for clause, sim in zip(found, sims, strict=True):
        share, hits = coverage(clause, prompt)
        out.append((clause, float(sim) + KEYWORD_BONUS * share, share, hits))
    return out


def free_text_violated(score: float, share: float, *, with_model: bool, threshold: float) -> bool:
    """A prompt using half of a clause's content words breaks it outright (no model needed);
    otherwise the model score decides."""
    return share >= KEYWORD_SHARE or (with_model and score >= threshold)


# --- the check ---------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    cameo_id: int
    rule: str  # a restriction code, or "free_text"
    label: str  # what the owner set: the restriction's label or their clause
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_details(self) -> dict[str, Any]:
        return {"cameo": str(self.cameo_id), "rule": self.rule, "rule_text": self.label}


def check(
    *,
    cameo_id: int,
    restrictions: Iterable[str],
    rules: str,
    prompt: str,
    scores: dict[str, float] | None = None,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    free_text_threshold: float = FREE_TEXT_THRESHOLD,
) -> list[Violation]:
    """Every rule of one cameo that the prompt breaks (content rules only; approval is a flow).

    `scores` are the moderation text classifiers' category scores for the
    prompt and `embed` the sentence-embedding function; without them only
    keywords decide (the submit-time check on the web tier).
    """
    found: list[Violation] = []
    for code in restrictions:
        restriction = RESTRICTIONS.get(code)
        if restriction is None or code == APPROVAL_REQUIRED:
            continue
        if restriction.keywords is not None:
            match = restriction.keywords.search(prompt)
            if match:
                found.append(
                    Violation(cameo_id, code, restriction.label, {"keyword": match.group(0).lower()})
                )
                continue
        for category, limit in restriction.thresholds.items():
            score = float((scores or {}).get(category, 0.0))
            if score >= limit:
                found.append(
                    Violation(
                        cameo_id, code, restriction.label, {"category": category, "score": round(score, 3)}
                    )
                )
                break
    if prompt.strip():
        for clause, score, share, hits in clause_scores(prompt, clauses(rules), embed):
            # Without a model (at submit) only the words decide: we refuse what names
            # the forbidden thing at once, and the worker judges paraphrases.
            if free_text_violated(score, share, with_model=embed is not None, threshold=free_text_threshold):
                found.append(
                    Violation(
                        cameo_id, "free_text", clause.text, {"score": round(score, 3), "keywords": hits}
                    )
                )
    return found
