"""Registry name matching: obfuscation-robust, common words need context, public figures only when depicted."""

from __future__ import annotations

import pytest

from moderation.classifiers.names import NameMatcher, RegistryNameClassifier, depicts, shipped

ROWS = [
    {"slug": "joe-biden", "name": "Joe Biden", "aliases": ["Biden", "Sleepy Joe"]},
    {
        "slug": "link-zelda",
        "name": "Link (The Legend of Zelda)",
        "aliases": ["Link"],
        "rights_holder": "Nintendo",
    },
    {"slug": "pikachu", "name": "Pikachu", "aliases": [], "rights_holder": "The Pokémon Company"},
]


def _slugs(matcher: NameMatcher, text: str) -> set[str]:
    return {m.slug for m in matcher.find(text)}


def test_matcher_reads_rows_from_any_iterable():
    """The matcher takes plain mappings from an iterable (files today, database rows later)."""
    matcher = NameMatcher(iter(ROWS))
    assert _slugs(matcher, "a realistic video of Joe Biden") == {"joe-biden"}


@pytest.mark.parametrize(
    "text",
    [
        "J o e  B i d e n speaking",
        "J0e B1den speaking",
        "Jое Вidеn speaking",
        "Joe Bi\u200bden speaking",
        "Joeee Biden",
    ],
)
def test_names_survive_obfuscation(text):
    """Spaced, leet, Cyrillic look-alike, zero-width and stretched spellings of a name still match."""
    assert "joe-biden" in _slugs(NameMatcher(ROWS), text)


def test_common_word_names_need_context():
    """ "link" alone is a word; next to its franchise (or written as a name) it is the character."""
    matcher = NameMatcher(ROWS)
    assert _slugs(matcher, "click the link in my bio") == set()
    assert _slugs(matcher, "link from zelda fighting a dragon") == {"link-zelda"}
    assert _slugs(matcher, "Pikachu at the beach") == {"pikachu"}


def test_public_figure_depiction_rule():
    """A depiction (fake footage, realistic video, voice) is flagged; a documentary about them is not."""
    assert depicts("a realistic video of Joe Biden announcing the election is cancelled")
    assert depicts("Joe Biden drunk at a press conference")
    assert not depicts("a documentary narration about the history of the presidency and Joe Biden")
    assert not depicts("a timeline of US presidents as text cards, no faces")


@pytest.mark.parametrize(
    "text",
    [
        "a lesson about Nelson Mandela's legacy narrated over footage of Robben Island",
        "a cooking show recreating a dish Barack Obama once mentioned, with just the chef on screen",
        "un analista deportivo desglosando el porcentaje de tiro de LeBron James en una pizarra",
        "a quiz show asking which year Barack Obama was first elected, contestants answering",
    ],
)
def test_footage_of_something_else_or_only_others_on_screen_is_not_a_depiction(text):
    """Footage of a place, or only a host on screen, does not depict the person the prompt is about."""
    assert not depicts(text, ["Nelson Mandela", "Barack Obama", "LeBron James"])


@pytest.mark.parametrize(
    "text",
    [
        "a video of Joe Biden at the beach",
        "footage of president Joe Biden falling down the stairs",
        "a documentary with footage of Joe Biden kissing a stranger",
        "a lesson, then a clip of Joe Biden dancing",
    ],
)
def test_footage_of_the_person_is_a_depiction(text):
    """Footage, a video or a clip *of* the named person depicts them, documentary or not."""
    assert depicts(text, ["Joe Biden"])


def test_shipped_registries_feed_the_prompt_classifier(shipped_registries):
    """The registries (loaded from the shipped files) flag a deepfake of a named politician and a named character, and pass an explainer."""
    figures, rights = shipped()
    assert figures.find("Barack Obama")
    assert rights.find("Mickey Mouse")
    classifier = RegistryNameClassifier()
    fake, character, explainer = classifier.score_texts(
        [
            "a deepfake of Emmanuel Macron admitting he rigged the vote",
            "Mickey Mouse dancing in a nightclub",
            "a documentary narration about the history of the presidency",
        ]
    )
    assert fake.scores == {"public_figure": 1.0}
    assert character.scores == {"rights_holder": 1.0}
    assert character.matches[0]["slug"] == "mickey-mouse"
    assert explainer.scores == {}
