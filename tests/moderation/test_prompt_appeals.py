"""Appeals of prompt blocks: the case, the allowance an overturn grants, the training-data log and export."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from moderation import selectors, services
from moderation.models import (
    AuditEvent,
    Case,
    CaseState,
    ModeratorGroup,
    PromptAllowance,
    PromptAppeal,
    PromptAppealDecision,
    StoredVerdict,
)
from sora_social.common.errors import ApplicationError
from sora_social.notifications.services import notify as notify_services
from tests.accounts.factories import UserFactory
from tests.moderation.factories import StaffFactory

pytestmark = pytest.mark.django_db

PROMPT = "A Knight fights a dragon,  blood everywhere"


def _verdict(user: Any, flagged: list[str]) -> StoredVerdict:
    return StoredVerdict.objects.create(
        kind="prompt", user=user, text=PROMPT, scores=dict.fromkeys(flagged, 0.9), decision="block",
        flagged=flagged, reasons=flagged, policy_version="v1",
    )  # fmt: skip


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    """The WebSocket events the appeal services send (captured instead of sent on commit)."""
    events: list[tuple[int, dict[str, Any]]] = []
    # Decisions reach the member as notifications, sent live by the notification service.
    monkeypatch.setattr(notify_services, "send_user_event_on_commit", lambda uid, p: events.append((uid, p)))
    return events


def _open(user: Any, subject_id: int = 101, flagged: list[str] | None = None) -> PromptAppeal:
    verdict = _verdict(user, ["violence"] if flagged is None else flagged)
    return services.prompt_appeal_open(
        user=user,
        subject=("generation", subject_id),
        prompt=PROMPT,
        verdict_id=verdict.id,
        note="It is a fantasy film.",
    )


def test_open_makes_a_case_with_the_verdict_and_the_note() -> None:
    """The appeal opens an `appeal` case in the flagged category, carrying the verdict; audited."""
    member = UserFactory()
    appeal = _open(member)
    case = Case.objects.get(pk=appeal.case_id)
    assert (case.subject_kind, case.subject_id, case.category, case.source) == (
        "generation",
        101,
        "violence",
        "appeal",
    )
    assert case.state == CaseState.OPEN
    assert case.verdict_id == appeal.verdict_id
    assert (appeal.prompt, appeal.note, appeal.flagged, appeal.state) == (
        PROMPT,
        "It is a fantasy film.",
        ["violence"],
        "pending",
    )
    assert AuditEvent.objects.filter(event="prompt_appeal.opened", case=case).exists()
    assert selectors.prompt_appeal_for_case(case_id=case.id) == appeal


def test_one_appeal_per_subject_and_a_real_note() -> None:
    """A second appeal of the same subject is 409 already_appealed; an empty or 1001-char note is 400."""
    member = UserFactory()
    _open(member)
    with pytest.raises(ApplicationError) as second:
        _open(member)
    assert (second.value.status, second.value.code) == (409, "already_appealed")
    for note in ("   ", "x" * 1001):
        with pytest.raises(ApplicationError) as bad:
            services.prompt_appeal_open(
                user=member, subject=("generation", 7), prompt=PROMPT, verdict_id=None, note=note
            )
        assert bad.value.status == 400
    assert PromptAppeal.objects.count() == 1


def test_overturn_allows_the_same_prompt_for_that_member_only(sent: list[Any]) -> None:
    """Overturned: this member may run this prompt (case and spacing aside); nobody else, no other prompt."""
    member, other, moderator = UserFactory(), UserFactory(), StaffFactory(is_superuser=True)
    appeal = _open(member)
    assert not selectors.prompt_allowed(member.id, PROMPT)
    decided = services.prompt_appeal_decide(
        appeal_id=appeal.id, actor=moderator, overturn=True, reason="fiction"
    )
    assert decided.state == "overturned"
    assert selectors.prompt_allowed(member.id, PROMPT)
    assert selectors.prompt_allowed(member.id, "a knight fights a dragon, blood everywhere ")
    assert not selectors.prompt_allowed(other.id, PROMPT)
    assert not selectors.prompt_allowed(member.id, PROMPT + " and a beheading")
    assert not selectors.prompt_allowed(None, PROMPT)
    case = Case.objects.get(pk=appeal.case_id)
    assert case.state == CaseState.RESOLVED
    assert case.resolution.startswith("overturn:")
    assert PromptAllowance.objects.get().case_id == case.id
    [(to, event)] = sent
    expected = {"type": "moderation.appeal_decided", "appeal_id": str(appeal.id),
                "subject_kind": "generation", "subject_id": "101", "decision": "overturned"}  # fmt: skip
    assert to == member.id
    assert {k: event[k] for k in expected} == expected


def test_uphold_allows_nothing_and_a_decision_is_final(sent: list[Any]) -> None:
    """Upheld: no allowance; deciding again is 409 appeal_decided; a reason is required."""
    member, moderator = UserFactory(), StaffFactory(is_superuser=True)
    appeal = _open(member)
    with pytest.raises(ApplicationError) as no_reason:
        services.prompt_appeal_decide(appeal_id=appeal.id, actor=moderator, overturn=False, reason=" ")
    assert no_reason.value.code == "reason_required"
    services.prompt_appeal_decide(appeal_id=appeal.id, actor=moderator, overturn=False, reason="real gore")
    assert not selectors.prompt_allowed(member.id, PROMPT)
    assert not PromptAllowance.objects.exists()
    with pytest.raises(ApplicationError) as again:
        services.prompt_appeal_decide(
            appeal_id=appeal.id, actor=moderator, overturn=True, reason="changed my mind"
        )
    assert (again.value.status, again.value.code) == (409, "appeal_decided")
    assert [e[1]["decision"] for e in sent] == ["upheld"]


def test_only_moderators_of_the_category_decide(sent: list[Any]) -> None:
    """A moderator whose groups do not cover the flagged category gets 404, like an unknown appeal."""
    member, outsider = UserFactory(), StaffFactory()
    group = ModeratorGroup.objects.create(name="spam only", categories=["spam"])
    group.members.add(outsider)
    appeal = _open(member)
    with pytest.raises(ApplicationError) as refused:
        services.prompt_appeal_decide(appeal_id=appeal.id, actor=outsider, overturn=True, reason="ok")
    assert refused.value.status == 404
    assert PromptAppeal.objects.get().state == "pending"


def test_decisions_are_logged_and_exported_in_the_eval_format(sent: list[Any], tmp_path: Any) -> None:
    """Each decision is a PromptAppealDecision; the export writes eval-format JSONL (benign / the category)."""
    moderator = StaffFactory(is_superuser=True, username="mod1")
    first, second = _open(UserFactory(), 1), _open(UserFactory(), 2, flagged=["hate", "violence"])
    services.prompt_appeal_decide(appeal_id=first.id, actor=moderator, overturn=True, reason="fiction")
    services.prompt_appeal_decide_for_case(
        case_id=second.case_id, actor=moderator, overturn=False, reason="hate"
    )
    assert list(PromptAppealDecision.objects.values_list("decision", flat=True)) == ["overturned", "upheld"]
    out = io.StringIO()
    call_command("export_appeal_decisions", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["text"], r["label"], r["decision"], r["moderator"]) for r in rows] == [
        (PROMPT, "benign", "overturned", "mod1"),
        (PROMPT, "hate", "upheld", "mod1"),
    ]
    eval_fields = {
        "id",
        "text",
        "label",
        "style",
        "lang",
        "theme",
        "split",
        "group",
        "variant",
        "obfuscation",
    }
    assert all(eval_fields <= set(r) and r["split"] == "train" for r in rows)
    target = tmp_path / "appeals.jsonl"
    call_command("export_appeal_decisions", "--out", str(target), stderr=io.StringIO())
    assert target.read_text().splitlines() == out.getvalue().splitlines()


def test_case_page_offers_overturn_and_uphold_while_pending(client: Any, sent: list[Any]) -> None:
    """The case page shows the prompt and the note with Overturn/Uphold; its buttons decide the appeal."""
    moderator = StaffFactory(is_superuser=True)
    appeal = _open(UserFactory())
    client.force_login(moderator)
    page = client.get(f"/admin/moderation/case/{appeal.case_id}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "action-overturn_appeal" in body
    assert "It is a fantasy film." in body
    response = client.post(
        f"/admin/moderation/case/{appeal.case_id}/act/", {"action": "overturn_appeal", "reason": "fiction"}
    )
    assert response.status_code == 302
    assert PromptAppeal.objects.get().state == "overturned"
    assert (
        "action-overturn_appeal"
        not in client.get(f"/admin/moderation/case/{appeal.case_id}/change/").content.decode()
    )
