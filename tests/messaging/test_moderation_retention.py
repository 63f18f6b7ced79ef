"""Reports of messages (the moderator sees the message and the few around it), moderation actions,
deleting my own messages, and account deletion taking the content of every message."""

from __future__ import annotations

import pytest

from messaging import services
from messaging.models import Message, Thread, ThreadMember
from messaging.selectors import CONTEXT_AROUND
from moderation import signals as m
from moderation.models import Case
from moderation.registry import adapter_for
from sora_social.accounts.services import account_delete
from sora_social.accounts.viewer import Viewer
from tests.accounts.factories import UserFactory
from tests.messaging.factories import friends, open_direct, send

pytestmark = pytest.mark.django_db


def _thread_of(n: int):
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    messages = [send(a if i % 2 else b, thread, f"message {i}") for i in range(n)]
    return a, b, thread, messages


def test_a_member_reports_a_message_and_the_moderator_sees_only_its_neighbours(client_for):
    """Reporting opens a case on the message; the case shows it and CONTEXT_AROUND messages each side, no more."""
    a, _b, _thread, messages = _thread_of(12)
    reported = messages[6]
    res = client_for(a).post(
        "/api/v1/reports",
        {"target_kind": "message", "target_id": str(reported.pk), "reason": "harassment"},
        format="json",
    )
    assert res.status_code == 201, res.content
    case = Case.objects.get(subject_kind="message", subject_id=reported.pk)
    adapter = adapter_for("message")
    assert adapter.render(case.subject_id).text == "message 6"
    around = [view.text for view in adapter.lineage(case.subject_id)]
    assert around == [f"message {i}" for i in range(6 - CONTEXT_AROUND, 6 + CONTEXT_AROUND + 1) if i != 6]
    assert adapter.owner_id(reported.pk) == reported.sender_id


def test_outsiders_cannot_report_a_message(client_for):
    """A message in a thread I am not in is 404 to report (ids do not leak)."""
    _a, _b, _thread, messages = _thread_of(1)
    res = client_for(UserFactory()).post(
        "/api/v1/reports",
        {"target_kind": "message", "target_id": str(messages[0].pk), "reason": "harassment"},
        format="json",
    )
    assert res.status_code == 404


def test_moderation_removes_and_restores_a_message(client_for):
    """remove hides the content from every member (state removed); restore brings it back."""
    a, _b, thread, messages = _thread_of(1)
    m.content_actioned.send(sender=None, kind="message", object_id=messages[0].pk, action=m.REMOVE, case_id=1)
    shown = client_for(a).get(f"/api/v1/threads/{thread.pk}/messages").json()["results"][0]
    assert shown["state"] == "removed"
    assert shown["text"] == ""
    m.content_actioned.send(
        sender=None, kind="message", object_id=messages[0].pk, action=m.RESTORE, case_id=1
    )
    assert Message.objects.get(pk=messages[0].pk).state == "visible"


def test_members_delete_their_own_messages_only(client_for):
    """DELETE my message: content gone for everyone; someone else's message: 403, unchanged."""
    a, b, thread, _ = _thread_of(0)
    mine = send(a, thread, "oops", post_id=None)
    theirs = send(b, thread, "keep")
    assert client_for(a).delete(f"/api/v1/threads/{thread.pk}/messages/{theirs.pk}").status_code == 403
    assert client_for(a).delete(f"/api/v1/threads/{thread.pk}/messages/{mine.pk}").status_code == 204
    assert client_for(a).delete(f"/api/v1/threads/{thread.pk}/messages/{mine.pk}").status_code == 204
    assert client_for(a).delete(f"/api/v1/threads/{thread.pk}/messages/999").status_code == 404
    row = Message.objects.get(pk=mine.pk)
    assert (row.state, row.text, row.shared_post_id) == ("deleted", "", None)
    texts = [x["text"] for x in client_for(b).get(f"/api/v1/threads/{thread.pk}/messages").json()["results"]]
    assert texts == ["keep", ""]
    assert Message.objects.get(pk=theirs.pk).text == "keep"


def test_account_deletion_removes_the_content_of_every_message():
    """Deleting an account empties its messages everywhere, leaves its threads and ends its 1:1 threads."""
    a, b, thread, _ = _thread_of(0)
    c = UserFactory()
    friends(a, c)
    group, _ = services.thread_open(viewer=Viewer.of(a), member_ids=[b.pk, c.pk])
    send(a, thread, "private words")
    send(a, group, "group words")
    send(b, thread, "reply")
    account_delete(user=a, actor=None, reason="test")
    assert not Message.objects.filter(sender=a).exclude(text="").exists()
    assert set(Message.objects.filter(sender=a).values_list("state", flat=True)) == {"deleted"}
    assert Message.objects.get(sender=b).text == "reply"
    assert Thread.objects.get(pk=thread.pk).state == "ended"
    assert Thread.objects.get(pk=group.pk).state == "active"
    assert set(ThreadMember.objects.filter(user=a).values_list("state", flat=True)) == {"left"}
