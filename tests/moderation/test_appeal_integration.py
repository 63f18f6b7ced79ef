"""check_prompt with the appeal allowance, the voice detector and the LLM classifier wired in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moderation import services
from moderation.classifiers import loader
from tests.accounts.factories import UserFactory
from tests.moderation.factories import StaffFactory

pytestmark = pytest.mark.django_db


BLOCKED = "a nude beach at noon"


def test_an_overturned_block_lets_that_member_run_that_prompt(settings: Any, monkeypatch: Any) -> None:
    """Blocked, appealed, overturned: the same member's same prompt is allowed; others are still blocked."""
    settings.SAFETY_PROMPT_MODEL = "off"
    monkeypatch.setattr(
        "sora_social.notifications.services.notify.send_user_event_on_commit", lambda *a: None
    )
    member, other = UserFactory(), UserFactory()
    first = services.check_prompt(text=BLOCKED, user=member)
    assert first.decision == "block"
    appeal = services.prompt_appeal_open(
        user=member,
        subject=("generation", 1),
        prompt=BLOCKED,
        verdict_id=first.verdict_id,
        note="a documentary",
    )
    services.prompt_appeal_decide(
        appeal_id=appeal.id,
        actor=StaffFactory(is_superuser=True),
        overturn=True,
        reason="naturist documentary",
    )
    again = services.check_prompt(text=BLOCKED, user=member)
    assert again.decision == "allow"
    assert again.model_ids == {"appeal_allowance": "overturned"}
    assert services.check_prompt(text=BLOCKED, user=other).decision == "block"
    assert services.check_prompt(text=BLOCKED + " with nude children", user=member).decision == "block"


def test_a_voice_imitation_request_is_refused_as_public_figure(settings: Any) -> None:
    """'in the voice of <entertainer>' blocks under public_figure; an ordinary voice does not."""
    settings.SAFETY_PROMPT_MODEL = "off"
    verdict = services.check_prompt(text="a birthday song in the voice of Taylor Swift")
    assert verdict.decision == "block"
    assert "public_figure" in verdict.flagged
    assert services.check_prompt(text="a birthday song in a warm baritone voice").decision == "allow"


@pytest.mark.ml
def test_the_llm_joins_the_text_classifiers_when_configured(settings: Any, tmp_path: Path) -> None:
    """SAFETY_LLM_PATH set: the loader lists and loads it for text; unset: `off` in the status."""
    from tests.moderation.test_llm_classifier import _tiny_checkpoint

    settings.SAFETY_PROMPT_MODEL = "off"
    settings.SAFETY_LLM_PATH = None
    assert loader.status()["llm"] == {"state": "off"}
    settings.SAFETY_LLM_PATH = str(_tiny_checkpoint(tmp_path / "tiny-llama-guard"))
    assert loader.status()["llm"]["state"] == "available"
    loaded, broken = loader.classifiers("text")
    assert broken == {}
    assert [c.name for c in loaded] == ["llm"]
    verdict = services.check_prompt(text="a cat playing piano")
    assert verdict.model_ids["llm"].startswith("llama_guard:tiny-llama-guard:")
