"""Direct messages get the rule-based text checks, not the prompt heads (which misfire on chat)."""

from __future__ import annotations

import pytest

from moderation.services import message_scores

CHAT = [
    "Yes! The storm waves were unreal",
    "Did you see the paper boat remix? The lighting is unreal.",
    "see you tomorrow",
    "haha you killed it",
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", CHAT)
def test_ordinary_chat_scores_nothing(text):
    assert max(message_scores(text=text).values(), default=0.0) < 0.5


@pytest.mark.django_db
def test_what_the_rules_know_is_still_caught():
    assert message_scores(text="you should kill yourself").get("self_harm", 0.0) >= 0.9
