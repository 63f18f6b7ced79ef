"""Owner rules as a pure check: structured restrictions, free-text clauses, keywords without a model."""

from __future__ import annotations

import numpy as np

from cameos import rules


def test_campaign_speech_breaks_no_political_without_any_model():
    """The campaign-speech prompt breaks `no_political` on its words alone (the submit-time check)."""
    found = rules.check(
        cameo_id=7, restrictions=["no_political"], rules="", prompt="me giving a campaign speech at a rally"
    )
    assert [(v.cameo_id, v.rule) for v in found] == [(7, "no_political")]
    assert found[0].as_details() == {
        "cameo": "7",
        "rule": "no_political",
        "rule_text": "No political content",
    }


def test_restriction_refuses_on_classifier_score_at_the_cameo_threshold():
    """A paraphrase without keywords is refused when the category score reaches the cameo's threshold,
    far below the global policy's."""
    prompt = "me addressing a cheering crowd about the future of our nation"
    assert not rules.check(cameo_id=1, restrictions=["no_political"], rules="", prompt=prompt)
    found = rules.check(
        cameo_id=1, restrictions=["no_political"], rules="", prompt=prompt, scores={"political": 0.55}
    )
    assert found[0].rule == "no_political"
    assert found[0].evidence == {"category": "political", "score": 0.55}
    assert not rules.check(
        cameo_id=1, restrictions=["no_political"], rules="", prompt=prompt, scores={"political": 0.3}
    )


def test_each_structured_category_has_words_that_refuse():
    """Every content restriction refuses an obvious prompt and lets an unrelated one through."""
    cases = {
        "no_political": "me endorsing a candidate for senate",
        "no_sexual": "me posing in lingerie",
        "no_violence": "me stabbing a zombie with a knife",
        "no_appearance_changes": "me bald with face tattoos",
        "no_demeaning": "me drunk and vomiting at a party",
    }
    for code, prompt in cases.items():
        assert [v.rule for v in rules.check(cameo_id=1, restrictions=[code], rules="", prompt=prompt)] == [
            code
        ]
        assert not rules.check(cameo_id=1, restrictions=[code], rules="", prompt="me reading in a sunny cafe")


def test_approval_required_is_not_a_content_rule():
    """`approval_required` never refuses a prompt by itself; it is a flow."""
    assert not rules.check(cameo_id=1, restrictions=["approval_required"], rules="", prompt="anything at all")


def test_free_text_clauses_keep_prohibitions_and_drop_permissions():
    """Clauses split on punctuation and 'but'/'or'; negations stripped from the subject; permissions skipped."""
    found = rules.clauses("Funny videos are fine, but never in political content. No smoking or vaping!")
    assert [c.subject for c in found] == ["in political content", "smoking", "vaping"]
    assert found[0].keywords == ("political",)


def test_free_text_keywords_refuse_without_a_model_and_embeddings_with_one():
    """Without a model a clause refuses only when the prompt uses its words; with one, similarity decides."""
    rule = "no alcohol"
    assert rules.check(cameo_id=1, restrictions=[], rules=rule, prompt="me buying alcohol at a store")
    assert not rules.check(cameo_id=1, restrictions=[], rules=rule, prompt="me sipping red wine")

    def close(texts: list[str]) -> np.ndarray:
        return np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(texts), 1))

    found = rules.check(cameo_id=1, restrictions=[], rules=rule, prompt="me sipping red wine", embed=close)
    assert found[0].rule == "free_text"
    assert found[0].label == "no alcohol"
