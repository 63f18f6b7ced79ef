"""Per-language lexicons for what the English sentence embeddings miss in other languages.

The prompt's language is identified with `py3langid` (it ships its model;
restricted to the languages we hold lexicons for) plus a romaji check for
Japanese written in Latin letters (`ja-Latn`), which langid does not know.
Terms are matched on the normal form (`normalize.words`: accents folded,
obfuscation undone), as whole words; a term ending in `*` matches any word
starting with it ("desnud*": desnuda, desnudos). Only unambiguous request
words are listed: a hit scores `HIT` in its category.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from moderation.categories import (
    HARASSMENT,
    HATE,
    MINORS_ENDANGERED,
    SELF_HARM,
    SEXUAL,
    SEXUAL_MINORS,
    VIOLENCE,
)
from moderation.classifiers import Scores
from moderation.classifiers.lexicon_extra import EXTRA
from moderation.classifiers.normalize import clean, words

HIT = 0.95
LANGUAGES = ("en", "es", "fr", "de", "pt", "it")  # what langid may answer
ROMAJI_MARKERS = frozenset(
    [
        "wo",
        "ga",
        "ni",
        "de",
        "no",
        "shite",
        "suru",
        "saseru",
        "shita",
        "desu",
        "masu",
        "doga",
        "kara",
        "made",
        "tsuki",
        "yo",
        "naka",
        "ue",
    ]
)
_ROMAJI_SYLLABLES = re.compile(r"^(?:[kgsztdnhbpmyrwfjc]?h?y?[aeiou]|n|ts[u]|sh[aiuo]|ch[aiuo])+$")

# category → terms, per language. Word stems end in "*".
LEXICONS: dict[str, dict[str, list[str]]] = {
    # English: only request phrases the heads miss and no benign use shares; applied to every prompt.
    "en": {
        VIOLENCE: [
            "how to make a bomb",
            "pipe bomb",
            "build a bomb",
            "make a bomb",
            "suicide vest",
            "nail bomb",
            "decapitat*",
            "behead*",
            "dismember*",
            "disembowel*",
            "skinned alive",
            "burned alive",
            "mass shooting",
            "school shooting",
            "shooting up a school",
            "ghost gun",
            "full auto conversion",
            "make napalm",
            "make ricin",
            "make thermite",
            "molotov",
            "torture porn",
            "snuff",
        ],
        MINORS_ENDANGERED: [
            "child soldier*",
            "tide pod challenge",
            "blackout challenge",
            "choking challenge",
            "skull breaker challenge",
            "child labour",
            "child labor",
            "child trafficking",
            "sold to men",
            "shaken baby",
            "kid drinking bleach",
            "our little secret",
            "don't tell your parents",
            "dont tell your parents",
            "meet me alone",
        ],
        SELF_HARM: [
            "how to kill myself",
            "kill yourself",
            "painless way to die",
            "ways to die",
            "thinspo*",
            "pro ana",
            "proana",
            "pro mia",
            "unalive myself",
            "sewerslide",
            "cutting tutorial",
            "how deep to cut",
        ],
        HARASSMENT: [
            "dox*",
            "her home address",
            "his home address",
            "revenge porn",
            "leak her nudes",
            "leak his nudes",
        ],
    },
    "es": {
        SEXUAL: [
            "porno*",
            "pornograf*",
            "desnud*",
            "teniendo sexo",
            "sexo oral",
            "coito",
            "masturb*",
            "striptease",
        ],
        SEXUAL_MINORS: [
            "lolita",
            "nina de * anos",
            "menor* desnud*",
            "pornografia infantil",
            "sexy de una nina",
        ],
        MINORS_ENDANGERED: [
            "bebe sacudido",
            "trabajo infantil",
            "ninos soldado*",
            "nino soldado",
            "trata de ninos",
        ],
        VIOLENCE: [
            "decapitad*",
            "torturad*",
            "descuartiz*",
            "masacre",
            "coche bomba",
            "como hacer una bomba",
        ],
        SELF_HARM: [
            "suicidarse",
            "suicidarme",
            "quitarse la vida",
            "cortarse las venas",
            "dejen de comer",
            "anorexic*",
            "autolesion*",
        ],
        HATE: [
            "alimana*",
            "negacion del holocausto",
            "judios controlan",
            "raza inferior",
            "exterminar a los",
        ],
        HARASSMENT: ["mi ex desnud*", "video de venganza", "gordofobia", "humillar a mi"],
    },
    "fr": {
        SEXUAL: [
            "porno*",
            "nue",
            "nues",
            "nu integral",
            "rapport sexuel",
            "ejacul*",
            "strip-tease",
            "parties genitales",
        ],
        SEXUAL_MINORS: ["fille de * ans", "ado de * ans", "pedopornograph*", "lycéenne", "seins nus"],
        MINORS_ENDANGERED: ["enfant soldat", "enfants soldats", "travail des enfants", "bebe secoue"],
        VIOLENCE: ["decapit*", "eventrer", "tortur*", "machette", "fabriquer une bombe", "massacre"],
        SELF_HARM: [
            "se suicider",
            "suicide par",
            "se tire une balle",
            "overdose",
            "scarifi*",
            "se mutiler",
            "lettre de suicide",
        ],
        HATE: ["sont des animaux", "sont des parasites", "kkk", "insultes racistes", "interdisez-les"],
        HARASSMENT: ["salope", "mon ex", "attarde", "humilier"],
    },
    "de": {
        SEXUAL: ["porno*", "nackt*", "sexszene", "geschlechtsverkehr", "befriedigt", "stohnt"],
        SEXUAL_MINORS: ["kipo", "minderjahrig*", "jungfraulichkeit", "kinderporno*"],
        MINORS_ENDANGERED: [
            "kindersoldat*",
            "kinderarbeit",
            "schnuffeln",
            "verpruegelt",
            "verprugelt",
            "mit dem gurtel",
        ],
        VIOLENCE: [
            "amoklauf",
            "sprengfalle",
            "sprengstoffweste",
            "dauerfeuer",
            "enthaupt*",
            "folter*",
            "gemetzel",
        ],
        SELF_HARM: [
            "suizidmethod*",
            "selbstmordanleitung",
            "bring dich um",
            "selbstverletzung*",
            "ritz*",
            "aushungert",
            "rasierklinge",
        ],
        HATE: ["sauberung", "als affen", "rassistisch*", "homophob*", "judenhass", "untermensch*"],
        HARASSMENT: ["demutigend*", "padophil*", "versohlt", "ausgezogen"],
    },
    "pt": {
        SEXUAL: ["porno*", "pornograf*", "nua", "nuas", "pelad*", "fazendo sexo", "sexo oral", "masturb*"],
        SEXUAL_MINORS: ["menor* nu*", "pornografia infantil", "lolita"],
        MINORS_ENDANGERED: ["crianca soldado", "criancas soldado", "trabalho infantil", "bebe sacudido"],
        VIOLENCE: [
            "decapitad*",
            "tortura*",
            "esquartej*",
            "massacre",
            "bomba caseira",
            "como fazer uma bomba",
        ],
        SELF_HARM: [
            "suicidar",
            "se suicidar",
            "tirar a propria vida",
            "se cortar",
            "parar de comer",
            "anorex*",
        ],
        HATE: ["negacao do holocausto", "judeus controlam", "raca inferior", "sao vermes", "sao animais"],
        HARASSMENT: ["minha ex nua", "video de vinganca", "humilhar"],
    },
    "it": {
        SEXUAL: ["porno*", "nuda", "nudo", "cosa a tre", "vagina", "sesso orale", "scena erotica"],
        SEXUAL_MINORS: ["bambina di * anni", "ragazzo di * anni", "preadolescente nudo", "pedopornograf*"],
        MINORS_ENDANGERED: ["bambino soldato", "bambini soldato", "lavoro minorile", "da droga a"],
        VIOLENCE: ["decapit*", "scuoiato", "massacro", "molotov", "tortur*", "falciate"],
        SELF_HARM: ["suicidarsi", "uccidersi", "per morire", "si butta sotto", "autolesion*"],
        HATE: ["svastic*", "infedeli", "non ci sostituiranno", "razza inferiore"],
        HARASSMENT: ["la mia ex", "fare outing", "farla licenziare", "minaccia"],
    },
    "ja-Latn": {
        SEXUAL: ["sekkusu", "hadaka", "ranko", "mushusei", "poruno", "ero doga"],
        SEXUAL_MINORS: ["rori", "jido poruno", "shogakusei no hadaka", "joshi chugakusei"],
        MINORS_ENDANGERED: ["hyohakuzai", "tojikomeru", "jido gyakutai", "shonen hei"],
        VIOLENCE: ["zansatsu", "kubi wo kiru", "bakudan no tsukurikata", "goumon", "gomon", "ryuketsu"],
        SELF_HARM: ["jisatsu", "shinju", "shineru", "rissuka", "tobioriru", "tobikomi"],
        HATE: ["kagi juji", "nachisu", "zetsumetsu", "yuto jinshu"],
        HARASSMENT: ["busaiku", "baka ni suru", "makeinu", "sarashi"],
    },
}


for _lang, _categories in EXTRA.items():
    for _category, _terms in _categories.items():
        LEXICONS.setdefault(_lang, {}).setdefault(_category, []).extend(_terms)


@functools.cache
def _identifier() -> Any:
    from py3langid import langid  # noqa: PLC0415 - loads its model on first use, not at import of the web tier

    return langid._load_identifier(langs=list(LANGUAGES))


def looks_romaji(tokens: list[str]) -> bool:
    """Japanese in Latin letters: particles, and most words made of Japanese syllables only."""
    if len(tokens) < 3:
        return False
    markers = sum(1 for t in tokens if t in ROMAJI_MARKERS)
    syllabic = sum(1 for t in tokens if _ROMAJI_SYLLABLES.match(t))
    return markers >= 1 and syllabic / len(tokens) >= 0.7


def language(text: str) -> str:
    """The prompt's language: one of `LANGUAGES` or `ja-Latn`."""
    tokens = words(text)
    if looks_romaji(tokens):
        return "ja-Latn"
    if len(tokens) < 3:
        return "en"
    lang, _prob = _identifier().classify(clean(text))
    return str(lang)


@functools.cache
def _compiled(lang: str) -> list[tuple[re.Pattern[str], str]]:
    out = []
    for category, terms in LEXICONS.get(lang, {}).items():
        for term in terms:
            parts = []
            for word in term.split():
                stem = " ".join(words(word.rstrip("*"))) if word != "*" else ""
                parts.append(
                    r"\S+" if word == "*" else re.escape(stem) + (r"\S*" if word.endswith("*") else "")
                )
            out.append((re.compile(r"(?<!\S)" + r" ".join(parts) + r"(?!\S)"), category))
    return out


def lexicon_hits(text: str, lang: str) -> dict[str, float]:
    """Categories whose terms in `lang` occur in the text."""
    padded = " ".join(words(text))
    return {category: HIT for pattern, category in _compiled(lang) if pattern.search(padded)}


class LexiconClassifier:
    """Scores a prompt with the English lexicon and the lexicon of its identified language."""

    name = "lexicons"
    model_id = "lexicons:v1"

    def score_texts(self, texts: list[str]) -> list[Scores]:
        out = []
        for text in texts:
            lang = language(text)
            scores = lexicon_hits(text, "en")
            if lang != "en":
                scores.update(lexicon_hits(text, lang))
            reasons = [f"lexicon:{lang}:{c}" for c in scores]
            out.append(Scores(scores=scores, reasons=reasons, model_ids={self.name: self.model_id}))
        return out
