"""Appealing a prompt block over the API, and the audio checks: dialogue lines and speech transcripts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from generation import checks, pipeline
from generation.backends import RenderContext, RenderRequest
from generation.backends.procedural import ProceduralBackend
from generation.dialogue import dialogue_lines
from generation.models import GenerationJob
from generation.states import JobState
from moderation import services as moderation
from moderation.models import Case, PromptAppeal, StoredVerdict
from tests.accounts.factories import UserFactory
from tests.generation import backends
from tests.generation.factories import GenerationJobFactory
from tests.moderation.factories import StaffFactory


def _blocked_job(user: Any, *, reason: str = "prompt_not_allowed:violence", **kw: Any) -> GenerationJob:
    verdict = StoredVerdict.objects.create(
        kind="prompt", user=user, text="a duel to the death", scores={"violence": 0.95}, decision="block",
        flagged=["violence"], reasons=["violence"], policy_version="v1",
    )  # fmt: skip
    step = {"decision": "block", "reason": reason, "verdict": {"verdict_id": str(verdict.id)}}
    return GenerationJobFactory(
        user=user, prompt="a duel to the death", state="blocked", blocked_reason=reason,
        checks={"prompt": {"moderation.check_prompt": step}}, **kw,
    )  # fmt: skip


def _appeal(client: Any, job: GenerationJob, note: Any = "It is a stage play.") -> Any:
    return client.post(f"/api/v1/generations/{job.id}/appeal", {"note": note}, format="json")


@pytest.mark.django_db
def test_owner_appeals_a_prompt_block_once(client_for: Any) -> None:
    """201 with the pending appeal and a case carrying the verdict; the second appeal is 409 already_appealed."""
    owner = UserFactory()
    job = _blocked_job(owner)
    client = client_for(owner)
    response = _appeal(client, job)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["generation_id"], body["state"], body["note"], body["decided_at"]) == (
        str(job.id), "pending", "It is a stage play.", None,
    )  # fmt: skip
    appeal = PromptAppeal.objects.get()
    assert (appeal.prompt, appeal.flagged) == ("a duel to the death", ["violence"])
    case = Case.objects.get(pk=appeal.case_id)
    assert (case.subject_kind, case.subject_id, case.verdict_id) == ("generation", job.id, appeal.verdict_id)
    again = _appeal(client, job)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_appealed")


@pytest.mark.django_db
def test_only_the_owner_and_only_prompt_blocks(client_for: Any) -> None:
    """Someone else's job is 404; a job not blocked by the prompt check is 409 not_appealable; bad notes 400."""
    owner = UserFactory()
    job = _blocked_job(owner)
    assert _appeal(client_for(UserFactory()), job).status_code == 404
    assert (
        _appeal(client_for(owner), GenerationJobFactory(user=owner, prompt="x", state="ready")).status_code
        == 409
    )
    output_block = GenerationJobFactory(
        user=owner, state="blocked", blocked_reason="output_not_allowed:sexual"
    )
    refused = _appeal(client_for(owner), output_block)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "not_appealable")
    held = GenerationJobFactory(user=owner, state="blocked", blocked_reason="held_for_review")
    assert _appeal(client_for(owner), held).status_code == 409
    for note in ("", "   ", "x" * 1001, None):
        assert _appeal(client_for(owner), job, note).status_code == 400
    assert not PromptAppeal.objects.exists()


@pytest.mark.django_db
def test_a_dialogue_block_is_appealable(client_for: Any) -> None:
    """A block by the dialogue-line check is the prompt check's too: it may be appealed."""
    owner = UserFactory()
    job = _blocked_job(owner, reason="dialogue_not_allowed:violence")
    assert _appeal(client_for(owner), job).status_code == 201


@pytest.mark.django_db
def test_overturned_dialogue_block_is_not_rechecked_line_by_line(settings: Any, monkeypatch: Any) -> None:
    """After an overturn, the dialogue step lets the member's same prompt through without checking lines."""
    settings.SAFETY_PROMPT_MODEL = "off"
    owner = UserFactory()
    job = _blocked_job(owner, reason="dialogue_not_allowed:violence")
    job.prompt = 'a play where the villain says "we will all get naked tonight"'
    job.save()
    appeal = moderation.prompt_appeal_open(
        user=owner, subject=("generation", job.id), prompt=job.prompt, verdict_id=None, note="theatre"
    )
    before = checks.dialogue_safety(job, {})
    assert before.decision == checks.BLOCK
    assert before.reason.startswith("dialogue_not_allowed")
    monkeypatch.setattr(
        "sora_social.notifications.services.notify.send_user_event_on_commit", lambda *a: None
    )
    moderation.prompt_appeal_decide(
        appeal_id=appeal.id, actor=StaffFactory(is_superuser=True), overturn=True, reason="ok"
    )
    again = GenerationJobFactory(user=owner, prompt=job.prompt)
    assert checks.dialogue_safety(again, {}).decision == checks.ALLOW
    stranger = GenerationJobFactory(user=UserFactory(), prompt=job.prompt)
    assert checks.dialogue_safety(stranger, {}).decision == checks.BLOCK


@pytest.mark.django_db
def test_dialogue_lines_pass_the_prompt_check_each(settings: Any) -> None:
    """A blocked line blocks the job as `dialogue_not_allowed:<category>`, naming the line; clean lines pass."""
    settings.SAFETY_PROMPT_MODEL = "off"
    user = UserFactory()
    clean = GenerationJobFactory(user=user, prompt='a parrot says "hello there" and "good morning"')
    outcome = checks.dialogue_safety(clean, {})
    assert (outcome.decision, outcome.detail["lines"]) == (checks.ALLOW, 2)
    bad = GenerationJobFactory(user=user, prompt="a sunny picnic.\nGRANDPA: nice day\nKID: show me nude pics")
    blocked = checks.dialogue_safety(bad, {})
    assert blocked.decision == checks.BLOCK
    assert blocked.reason == "dialogue_not_allowed:sexual"
    assert blocked.detail["line"] == 1
    assert checks.dialogue_safety(GenerationJobFactory(user=user, prompt="a quiet lake"), {}).detail == {
        "skipped": "no dialogue"
    }


@pytest.mark.django_db
def test_transcript_of_produced_speech_is_checked(settings: Any) -> None:
    """A transcript (one utterance a line) is checked after render; no transcript, nothing to check."""
    settings.SAFETY_PROMPT_MODEL = "off"
    job = GenerationJobFactory(user=UserFactory())
    assert checks.transcript_safety(job, {"transcript": None}).detail == {"skipped": "no speech"}
    assert checks.transcript_safety(job, {"transcript": "good morning\nwhat a day"}).decision == checks.ALLOW
    spoken = checks.transcript_safety(job, {"transcript": "good morning\nlet us get nude"})
    assert (spoken.decision, spoken.reason) == (checks.BLOCK, "speech_not_allowed:sexual")


@pytest.mark.django_db
def test_a_render_whose_speech_fails_is_blocked_before_anything_is_stored(settings: Any) -> None:
    """The transcript a backend returns is checked with the frames: a bad line blocks the job, nothing kept."""
    settings.SAFETY_PROMPT_MODEL = "off"
    name = f"speaking-{uuid.uuid4().hex[:8]}"
    backends.install(name, backends.SpeakingBackend("welcome to the show\nnow get nude"))
    settings.GENERATION_BACKEND = name
    job = GenerationJobFactory(
        user=UserFactory(), prompt="a quiet lake", state="waiting_for_gpu", backend=name
    )
    assert pipeline.job_render(job_id=job.id) == JobState.BLOCKED
    job.refresh_from_db()
    assert job.blocked_reason == "speech_not_allowed:sexual"
    assert job.checks["output"]["moderation.check_transcript"]["line"] == 1
    assert job.video == ""


def test_procedural_backend_produces_no_speech() -> None:
    """The procedural backend's soundtrack has no words: its result carries no transcript."""
    request = RenderRequest(prompt="a quiet lake", seed=1, duration_s=1, width=32, height=32, fps=4)
    result = ProceduralBackend().render(request, RenderContext())
    assert result.transcript is None


@pytest.mark.parametrize(
    ("prompt", "lines"),
    [
        ('a man says "hello there" to a dog', ["hello there"]),
        ("a diner scene, she says “hola” and ‘adios’", ["hola", "adios"]),
        ("she sings that the world is ending. Then rain.", ["the world is ending"]),
        ("the narrator says: we will win", ["we will win"]),
        ("a music video, lyrics: burn it all down. Neon lights.", ["burn it all down"]),
        ("JOHN: I will be back\nMARY: no you won't", ["I will be back", "no you won't"]),
        ("he said, 'run away' and left", ["run away"]),
        ('"hi" she says, "hi" again', ["hi"]),
        ("a dog that doesn't bark, rock 'n' roll", []),
        ("Style: cinematic, a cat on a roof", []),
        ("a quiet lake at dawn", []),
    ],
)
def test_dialogue_lines_are_found(prompt: str, lines: list[str]) -> None:
    """Quotes of every kind, speech verbs with a colon/comma/that, lyrics and script lines; each line once."""
    assert dialogue_lines(prompt) == lines


def test_dialogue_lines_are_capped() -> None:
    """At most MAX_LINES lines are checked, the first ones."""
    prompt = " ".join(f'"line number {i}"' for i in range(20))
    assert dialogue_lines(prompt) == [f"line number {i}" for i in range(8)]
