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


# Phrases where a term is not what it names. They are cut out of the normal form
# before terms are looked for:
# - "nude" as a colour: right before a garment, shoe or cosmetic ("a nude lipstick",
#   "nude ballet shoe", "a glossy nude manicure"), or right after a colour word or a
#   cosmetic in any lexicon language ("champagne-nude", "couleur nude", "cor nude",
#   "smalto nude"). One word may sit between nude and its noun ("nude wedding dress"),
#   never a person ("a nude woman in heels" keeps its term).
# - "naked" in fixed expressions: the naked eye, a naked cake, The Naked Gun, a naked
#   flame, the naked truth, a "naked" eyeshadow palette.
# - A term the prompt itself rules out: "no gore", "without nude scenes".
_GARMENT = (
    r"(?:colou?red|colou?rs?|tones?|shades?|palette|lipsticks?|lips?|lip ?gloss|gloss|heels|shoes?|pumps|"
    r"sandals|flats|ballet|ballerinas?|eyeshadows?|make ?up|manicure|pedicure|nails?|polish|beige|"
    r"foundation|blush|concealer|stockings|tights|bra|dress|gown|linen|sweater|knit|cardigan|blouse|"
    r"skirt|coat|trench|suit|fabric|paint|wall|sofa|tiles?)"
)
_PERSON = (
    r"(?:woman|women|man|men|girls?|boys?|lady|guy|models?|person|people|body|bodies|teens?|kids?|child|"
    r"femmes?|hommes?|filles?|mujer(?:es)?|hombres?|chicas?|frau(?:en)?|mann|manner|madchen|donna|donne|uomo|"
    r"ragazz[ae]|mulher(?:es)?|homem|menina)"
)
_COLOUR_WORD = (
    r"(?:colou?r|color|couleur|cor|colore|farbe|tono|tom|shade|tone|champagne|peach|beige|blush|rose|"
    r"mocha|caramel|sand|warm|cool|matte|glossy|smalto|vernis|esmalte|nagellack|rossetto|batom|labial|"
    r"rouge|lippenstift|ballet|ballerines|zapatillas|sapatilhas|scarpe|schuhe)"
)
_NOT_A_TERM = re.compile(
    rf" nude (?=(?:(?!{_PERSON} )[a-z]+ )?{_GARMENT} )"
    r"| naked (?=(?:eye|cake|cakes|gun|chef|flame|truth|ambition|palette|juice|smoothie|bike) )"
)
_COLOUR_NUDE = re.compile(rf" ({_COLOUR_WORD}) nude (?!{_PERSON} )")
# A term that the prompt rules out ("a battle scene, no gore", "sans nudité" is not a term):
# every other mention of it still counts.
_RULED_OUT = re.compile(
    r" (?:no|without|zero|never|sans|sin|sem|ohne|kein|keine|senza|nessun) (?:gore|nude|naked|porn|hentai) "
)


def without_false_terms(padded: str) -> str:
    """The padded normal form with the phrases above cut out."""
    return _RULED_OUT.sub(" ", _COLOUR_NUDE.sub(r" \1 ", _NOT_A_TERM.sub(" ", padded)))


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
            normalized.padded = without_false_terms(normalized.padded)
            scores: dict[str, float] = {}
            reasons: list[str] = []
            for needle, category in terms:
                if normalized.matches(needle):
                    scores[category] = 1.0
                    if f"term:{category}" not in reasons:
                        reasons.append(f"term:{category}")
            out.append(Scores(scores=scores, reasons=reasons, model_ids={self.name: self.model_id}))
        return out
