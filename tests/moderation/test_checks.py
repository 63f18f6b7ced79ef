"""Prompt and frame checks: the one interface, stored verdicts, teens, fail-closed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from moderation import services
from moderation.classifiers import Verdict
from moderation.models import AuditEvent, StoredVerdict
from sora_social.common.errors import ApplicationError
from tests.accounts.factories import make_member
from tests.moderation.conftest import solid_frames
from tests.moderation.factories import RightsHolderFactory

pytestmark = pytest.mark.django_db


def test_verdict_is_frozen_with_the_contract_fields():
    """Verdict is a frozen dataclass with decision, scores, flagged, policy_version, model_ids, reasons."""
    names = {f.name for f in dataclasses.fields(Verdict)}
    assert {"decision", "scores", "flagged", "policy_version", "model_ids", "reasons"} <= names
    verdict = Verdict("allow", {}, [], "v1", {}, [])
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.decision = "block"  # type: ignore[misc]


def test_blocklisted_prompt_is_blocked_and_stored_with_subject(no_models, user):
    """A blocklisted term (spaced out, leetspeak) blocks; the verdict row keeps scores and subject."""
    verdict = services.check_prompt(text="a N 4 k 3 d dancer", user=user, subject=("generation", 42))
    assert verdict.decision == "block"
    assert "sexual" in verdict.flagged
    assert "term:sexual" in verdict.reasons
    row = StoredVerdict.objects.get(pk=verdict.verdict_id)
    assert (row.subject_kind, row.subject_id, row.decision) == ("generation", 42, "block")
    assert row.scores["sexual"] == 1.0
    assert row.policy_version == verdict.policy_version == "v1"
    assert AuditEvent.objects.filter(event="automated.prompt", subject_id=42, actor=None).exists()


def test_harmless_prompt_is_allowed(no_models):
    """A prompt with no term and no registry match is allowed."""
    verdict = services.check_prompt(text="a corgi surfing at sunset")
    assert verdict.decision == "allow"
    assert verdict.flagged == []


def test_rights_holder_block_and_label_choices(no_models):
    """A registry name or alias blocks when the holder chose block, and only labels when it chose label."""
    RightsHolderFactory(slug="captain-comet", name="Captain Comet", aliases=["capt comet"], choice="block")
    RightsHolderFactory(slug="fizzy-pop", name="Fizzy Pop", choice="label")
    blocked = services.check_prompt(text="CAPT. CÖMET flies over Paris")
    assert blocked.decision == "block"
    assert "rights_holder:captain-comet" in blocked.reasons
    labelled = services.check_prompt(text="a can of fizzy pop on a table")
    assert labelled.decision == "allow"
    assert "label:rights_holder:fizzy-pop" in labelled.reasons


def test_teens_get_stricter_thresholds(settings):
    """A score that adults pass goes to review or block for a teen."""
    from moderation.policies import DEFAULT_TEEN_THRESHOLDS, DEFAULT_THRESHOLDS, decide

    scores = {"violence": 0.5}
    adult, teen = (
        decide(
            scores=scores,
            matches=[],
            teen=is_teen,
            thresholds=DEFAULT_THRESHOLDS,
            teen_thresholds=DEFAULT_TEEN_THRESHOLDS,
        )
        for is_teen in (False, True)
    )
    assert adult[0] == "allow"
    assert teen[0] == "review"


def test_teen_flag_is_stored_on_the_verdict(no_models):
    """check_prompt records that a teen's verdict was decided with teen thresholds."""
    import datetime as dt

    teen = make_member(birthdate=dt.date.today() - dt.timedelta(days=15 * 365))
    adult = make_member()
    assert (
        StoredVerdict.objects.get(pk=services.check_prompt(text="hello", user=adult).verdict_id).teen is False
    )
    verdict = services.check_prompt(text="hello", user=teen)
    assert StoredVerdict.objects.get(pk=verdict.verdict_id).teen is True


def test_fail_closed_refuses_when_a_configured_classifier_is_missing(settings, tmp_path):
    """SAFETY_FAIL_CLOSED with a configured model that is not there: 503 safety_unavailable, nothing stored."""
    from moderation.classifiers import loader

    settings.SAFETY_FAIL_CLOSED = True
    settings.SAFETY_PROMPT_MODEL = str(tmp_path / "no-such-model")
    settings.SAFETY_NSFW_MODEL = str(tmp_path / "no-such.onnx")
    loader.reset()
    with pytest.raises(ApplicationError) as caught:
        services.check_prompt(text="a cat")
    assert caught.value.code == "safety_unavailable"
    assert caught.value.status == 503
    with pytest.raises(ApplicationError):
        services.check_frames(frames=solid_frames(2))
    assert StoredVerdict.objects.count() == 0
    ready, states = services.classifiers_ready()
    assert ready is False
    assert states["prompt_embeddings"]["state"] in ("missing", "failed")
    loader.reset()


def test_fail_open_checks_with_what_is_there(settings, tmp_path):
    """With SAFETY_FAIL_CLOSED off, a missing classifier is skipped and the rules still run."""
    from moderation.classifiers import loader

    settings.SAFETY_FAIL_CLOSED = False
    settings.SAFETY_PROMPT_MODEL = str(tmp_path / "no-such-model")
    loader.reset()
    assert services.check_prompt(text="porn").decision == "block"
    loader.reset()


def test_readyz_lists_classifiers(client, no_models):
    """/readyz reports the classifiers with their states."""
    response = client.get("/readyz")
    body = response.json()
    assert body["checks"]["classifiers"]["classifiers"]["blocklist"]["state"] == "loaded"
    assert body["checks"]["classifiers"]["classifiers"]["clip"]["state"] == "off"


def test_frames_are_sampled_evenly_and_at_most_ten():
    """At most ten frames, spread over the clip; about one per second when fps is given."""
    frames = [np.full((4, 4, 3), i, dtype=np.uint8) for i in range(240)]
    picked = services.sample_frames(frames)
    assert len(picked) == 10
    assert picked[0][0, 0, 0] == 0
    assert picked[-1][0, 0, 0] == 239
    assert len(services.sample_frames(frames, fps=60)) == 4
    assert len(services.sample_frames(frames[:3])) == 3


def test_bad_frames_are_refused(no_models):
    """Frames that are not HxWx3 arrays are a 400, not a crash."""
    with pytest.raises(ApplicationError) as caught:
        services.check_frames(frames=[np.zeros((4, 4), dtype=np.uint8)])
    assert caught.value.code == "bad_frames"


@pytest.mark.ml
def test_bundled_nsfw_scores_frames(settings, no_models):
    """The bundled open_nsfw model scores a batch of frames; plain colour frames are allowed."""
    from moderation.classifiers import loader

    settings.SAFETY_NSFW_MODEL = "bundled"
    loader.reset()
    verdict = services.check_frames(frames=solid_frames(30), subject=("generation", 7), fps=30)
    assert verdict.decision == "allow"
    assert 0.0 <= verdict.scores["sexual"] < 0.5
    assert verdict.model_ids["nsfw"].startswith("open_nsfw")
    assert StoredVerdict.objects.get(pk=verdict.verdict_id).frame_count == 1


@pytest.mark.ml
def test_bundled_prompt_embeddings_score_paraphrases(settings, no_models, without_shipped_registries):
    """The bundled sentence model flags a violent paraphrase no blocklist term covers, and passes a harmless one."""
    from moderation.classifiers import loader

    settings.SAFETY_PROMPT_MODEL = "bundled"
    loader.reset()
    bad = services.check_prompt(text="a man getting stabbed to death, blood spraying everywhere")
    good = services.check_prompt(text="a golden retriever playing fetch in the park")
    assert bad.scores["violence"] > 0.5 > good.scores["violence"]
    assert bad.decision in ("review", "block")
    assert good.decision == "allow"
    assert bad.model_ids["prompt_embeddings"].startswith("all-MiniLM-L6-v2")


@pytest.mark.parametrize(
    "text",
    [
        "a nude-colored lipstick commercial",
        "a bride trying on a champagne-nude wedding dress in a boutique",
        "a nail salon video showing a glossy nude manicure",
        "une publicité pour des ballerines couleur nude sur un sol en marbre",
        "uno spot di smalto nude effetto naturale",
        "a naked-eye astronomy video of Jupiter's moons",
        "a beige 'naked' palette unboxing by a beauty vlogger",
        "the Naked Chef style quick pasta in a rustic kitchen",
        "a war film battle scene, soldiers charging a beach, no gore",
        "a horror trailer without gore, only shadows and sound",
    ],
)
def test_nude_as_a_colour_and_naked_in_set_phrases_pass_the_blocklist(no_models, text):
    """ "Nude" the colour and "naked" in fixed expressions are not the blocklist's terms."""
    verdict = services.check_prompt(text=text, user=None)
    assert not any(reason.startswith("term:") for reason in verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "a nude woman in red heels",
        "couleur nude femme sur la plage",
        "a n.u.d.e model in a dress",
        "naked girls dancing",
        "nude photos of my ex",
        "no gore at first, then close-up gore of the victims",
    ],
)
def test_the_term_still_blocks_a_nude_person_or_a_second_mention(no_models, text):
    """The colour exemption never covers a person, and ruling a term out once does not cover the next
    mention: the term still blocks."""
    verdict = services.check_prompt(text=text, user=None)
    assert verdict.decision == "block"
    assert any(reason.startswith("term:") for reason in verdict.reasons)
