"""Voice imitation: asking for a real singer's or actor's voice scores public_figure; other voices do not."""

from __future__ import annotations

import pytest

from moderation.classifiers.voice import (
    VoiceImitationDetector,
    fold,
    voice_imitation_scores,
    voice_imitations,
)


@pytest.mark.parametrize(
    ("prompt", "slugs"),
    [
        ("a ballad in the voice of Taylor Swift", ["taylor-swift"]),
        ("sing like Beyoncé about the rain", ["beyonce"]),
        ("a nature film in Morgan Freeman's voice", ["morgan-freeman"]),
        ("a song that sounds just like ADELE", ["adele"]),
        ("a taylor swift voice clone singing happy birthday", ["taylor-swift"]),
        ("imitate Barack Obama announcing a war", ["barack-obama"]),
        ("a bedtime story narrated by Morgan Freeman", ["morgan-freeman"]),
    ],
)
def test_requests_for_a_real_persons_voice_are_caught(prompt: str, slugs: list[str]) -> None:
    """Each phrasing, with accents and case folded, finds the registry entry."""
    assert voice_imitations(prompt) == slugs


@pytest.mark.parametrize(
    "prompt",
    [
        "a cover in the voice of my grandma",
        "a documentary about the voice of a generation",
        "a robot with a deep voice",
        "a duck quacking that sounds like a drake",
        "a pop song about Taylor Swift's concert crowds",
        "an original singer with a warm voice",
    ],
)
def test_other_voices_and_mentions_are_not(prompt: str) -> None:
    """Ordinary voices, and names mentioned without asking for their voice, score nothing."""
    assert voice_imitations(prompt) == []
    assert voice_imitation_scores(prompt).scores == {}


def test_scores_under_the_text_classifier_interface() -> None:
    """public_figure 1.0 with a `voice:<slug>` reason and a model id that hashes the registry."""
    detector = VoiceImitationDetector()
    caught, clean = detector.score_texts(["sing like Adele", "a cat"])
    assert caught.scores == {"public_figure": 1.0}
    assert caught.reasons == ["voice:adele"]
    assert caught.model_ids == {"voice_imitation": detector.model_id}
    assert detector.model_id.startswith("voice-rules:")
    assert clean.scores == {}


def test_fold_removes_accents_case_and_punctuation() -> None:
    """Both sides of the lookup are folded the same way."""
    assert fold("  Beyoncé's   VOICE!! ") == "beyonce s voice"
