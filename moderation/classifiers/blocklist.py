"""Blocklist classifier: terms per category, matched after normalisation.

Terms come from the built-in list below plus the `BlockedTerm` rows moderators
manage in the admin. A matched term scores 1.0 in its category. The compiled
list is cached per process and rebuilt when the rows change.
"""

from __future__ import annotations

import hashlib
import re
import threading

from django.db.models import Count, Max

from moderation.categories import HATE, SELF_HARM, SEXUAL, SEXUAL_MINORS, VIOLENCE
from moderation.classifiers import Scores
from moderation.classifiers.normalize import NormalText, normalize
from moderation.models import BlockedTerm

# Deliberately short: unambiguous terms only. Context-dependent words belong to
# the embedding classifiers, which see the whole prompt.
BUILTIN_TERMS: dict[str, str] = {
    "child porn": SEXUAL_MINORS,
    "cp video": SEXUAL_MINORS,
    "loli hentai": SEXUAL_MINORS,
    "jailbait": SEXUAL_MINORS,
    "porn": SEXUAL,
    "nude": SEXUAL,
    "naked": SEXUAL,
    "hentai": SEXUAL,
    "gore": VIOLENCE,
    "beheading": VIOLENCE,
    "kill yourself": SELF_HARM,
    "suicide tutorial": SELF_HARM,
    "gas the": HATE,
    "white power": HATE,
}


# Phrases where a term is not what it names: "nude" as a colour ("a nude lipstick",
# "colour nude"). They are cut out of the normal form before terms are looked for.
NOT_A_TERM = re.compile(
    r" nude (?=(?:colou?red|colou?r|tones?|shades?|palette|lipstick|lips?|lip ?gloss|heels|shoes|pumps|"
    r"eyeshadow|make ?up|nails?|polish|beige|foundation|blush|stockings|bra|dress|linen) )"
    r"| (?:colou?r|shade|tone) nude "
)


class BlocklistClassifier:
    name = "blocklist"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[int, str] | None = None
        self._terms: list[tuple[str, str]] = []
        self.model_id = "blocklist:builtin"

    def _current_terms(self) -> list[tuple[str, str]]:
        stats = BlockedTerm.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        stamp = (stats["n"] or 0, str(stats["last"]))
        with self._lock:
            if stamp != self._stamp:
                terms = dict(BUILTIN_TERMS)
                for term, category, active in BlockedTerm.objects.values_list("term", "category", "active"):
                    if active:
                        terms[term] = category
                    else:
                        terms.pop(term, None)
                self._terms = [(normalize(term), category) for term, category in sorted(terms.items())]
                digest = hashlib.sha256(repr(self._terms).encode()).hexdigest()[:8]
                self.model_id = f"blocklist:{digest}"
                self._stamp = stamp
            return self._terms

    def score_texts(self, texts: list[str]) -> list[Scores]:
        terms = self._current_terms()
        out = []
        for text in texts:
            normalized = NormalText(text)
            normalized.padded = NOT_A_TERM.sub(" ", normalized.padded)
            scores: dict[str, float] = {}
            reasons: list[str] = []
            for needle, category in terms:
                if normalized.matches(needle):
                    scores[category] = 1.0
                    if f"term:{category}" not in reasons:
                        reasons.append(f"term:{category}")
            out.append(Scores(scores=scores, reasons=reasons, model_ids={self.name: self.model_id}))
        return out
