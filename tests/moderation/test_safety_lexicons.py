"""Language identification and the per-language lexicons."""

from __future__ import annotations

import pytest

from moderation.classifiers.lexicons import LexiconClassifier, language, lexicon_hits


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("un video porno de dos personas teniendo sexo en la cama de un hotel", "es"),
        ("une vidéo étape par étape montrant comment fabriquer une bombe artisanale", "fr"),
        ("eine Anleitung, wie man sich aushungert und es vor den Eltern versteckt", "de"),
        ("futari no onna ga sofā de kisu shite sekkusu suru", "ja-Latn"),
        ("a corgi surfing at sunset, cinematic", "en"),
    ],
)
def test_language_is_identified(text, lang):
    """py3langid (restricted to the lexicon languages) plus the romaji check name the language."""
    assert language(text) == lang


def test_lexicon_terms_match_inflections_and_obfuscation():
    """Stems match inflected words; accents and leetspeak are undone first."""
    assert lexicon_hits("una mujer completamente desnuda", "es") == {"sexual": 0.95}
    assert lexicon_hits("un t0rturad0 en la calle", "es") == {"violence": 0.95}
    assert lexicon_hits("a nude-colored lipstick", "en") == {}


def test_classifier_uses_the_identified_language_only():
    """A harmless English prompt gets no lexicon score; a Spanish one gets its category."""
    english, spanish = LexiconClassifier().score_texts(
        ["a nude-colored lipstick commercial", "un video que muestra cómo suicidarse sin dolor"]
    )
    assert english.scores == {}
    assert spanish.scores == {"self_harm": 0.95}
