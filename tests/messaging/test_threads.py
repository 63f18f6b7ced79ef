"""Threads over the API: 1:1 found or made, groups, inbox and requests, read state, leave, mute."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Thread, ThreadMember
from tests.accounts.factories import UserFactory
from tests.messaging.factories import friends, open_direct, send

pytestmark = pytest.mark.django_db


def test_opening_a_direct_thread_twice_gives_the_same_thread(client_for):
    """POST /threads with one member makes the 1:1 thread (201); again, from either side, 200 and the same id."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    first = client_for(a).post("/api/v1/threads", {"member_ids": [str(b.pk)]}, format="json")
    assert first.status_code == 201, first.content
    again = client_for(b).post("/api/v1/threads", {"member_ids": [str(a.pk)]}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["kind"] == "direct"
    assert Thread.objects.count() == 1


def test_first_message_and_unread_counts(client_for):
    """A thread opened with text delivers it; the other member's unread count is stored and read clears it."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    res = client_for(a).post("/api/v1/threads", {"member_ids": [str(b.pk)], "text": "hi"}, format="json")
    thread_id = res.json()["id"]
    client_for(a).post(f"/api/v1/threads/{thread_id}/messages", {"text": "there"}, format="json")
    inbox = client_for(b).get("/api/v1/threads").json()
    assert inbox["results"][0]["unread_count"] == 2
    assert inbox["results"][0]["last_message"]["text"] == "there"
    assert client_for(a).get("/api/v1/threads").json()["results"][0]["unread_count"] == 0
    read = client_for(b).post(f"/api/v1/threads/{thread_id}/read")
    assert read.status_code == 200
    assert read.json()["unread_count"] == 0
    assert ThreadMember.objects.get(thread_id=thread_id, user=b).unread_count == 0
    page = client_for(b).get(f"/api/v1/threads/{thread_id}/messages").json()
    assert [m["text"] for m in page["results"]] == ["there", "hi"]


def test_non_members_get_404_everywhere(client_for):
    """A thread I am not in answers 404 to every operation, as an unknown id does."""
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    message = send(a, thread)
    c = client_for(stranger)
    base = f"/api/v1/threads/{thread.pk}"
    assert c.get(base).status_code == 404
    assert c.get(f"{base}/messages").status_code == 404
    assert c.post(f"{base}/messages", {"text": "x"}, format="json").status_code == 404
    assert c.post(f"{base}/read").status_code == 404
    assert c.post(f"{base}/leave").status_code == 404
    assert c.post(f"{base}/mute", {"muted": True}, format="json").status_code == 404
    assert c.delete(f"{base}/messages/{message.pk}").status_code == 404
    assert c.get("/api/v1/threads/123456").status_code == 404
    assert c.get("/api/v1/threads/not-an-id/messages").status_code == 404


def test_group_thread_and_its_limit(client_for, settings):
    """Several members (or a title) make a group; more than MESSAGING_GROUP_MAX members is 400."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    friends(a, b)
    friends(a, c)
    res = client_for(a).post(
        "/api/v1/threads", {"member_ids": [str(b.pk), str(c.pk)], "title": "crew"}, format="json"
    )
    assert res.status_code == 201
    assert res.json()["kind"] == "group"
    assert len(res.json()["members"]) == 3
    settings.MESSAGING_GROUP_MAX = 2
    too_many = client_for(a).post("/api/v1/threads", {"member_ids": [str(b.pk), str(c.pk)]}, format="json")
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "thread_too_large"
    assert Thread.objects.count() == 1


def test_bad_input_is_400_and_unknown_members_404(client_for):
    """No members, only myself, malformed bodies: 400; an unknown member: 404; nothing is created."""
    a = UserFactory()
    c = client_for(a)
    assert c.post("/api/v1/threads", {"member_ids": []}, format="json").status_code == 400
    only_me = c.post("/api/v1/threads", {"member_ids": [str(a.pk)]}, format="json")
    assert only_me.status_code == 400
    assert only_me.json()["error"]["code"] == "thread_needs_members"
    assert c.post("/api/v1/threads", {"member_ids": ["999999999"]}, format="json").status_code == 404
    assert c.post("/api/v1/threads", {"member_ids": "x"}, format="json").status_code == 400
    assert c.get("/api/v1/threads", {"box": "spam"}).status_code == 400
    empty = c.get("/api/v1/threads?box=")  # the schema allows inbox or requests, not an empty value
    assert empty.status_code == 400
    assert empty.json()["error"]["code"] == "invalid_box"
    assert c.get("/api/v1/threads", {"cursor": "forged"}).status_code == 400
    assert Thread.objects.count() == 0


def test_leave_ends_a_direct_thread_and_a_new_one_can_start(client_for):
    """Leaving a 1:1 thread ends it (nobody can send) and frees the pair for a new thread."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    assert client_for(a).post(f"/api/v1/threads/{thread.pk}/leave").status_code == 204
    assert client_for(a).get(f"/api/v1/threads/{thread.pk}").status_code == 404
    res = client_for(b).post(f"/api/v1/threads/{thread.pk}/messages", {"text": "still there?"}, format="json")
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "thread_ended"
    again = client_for(b).post("/api/v1/threads", {"member_ids": [str(a.pk)]}, format="json")
    assert again.status_code == 201
    assert again.json()["id"] != str(thread.pk)


def test_mute(client_for):
    """Mute is per member and shows on my thread."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    res = client_for(b).post(f"/api/v1/threads/{thread.pk}/mute", {"muted": True}, format="json")
    assert res.status_code == 200
    assert res.json()["muted"] is True
    assert client_for(b).get(f"/api/v1/threads/{thread.pk}").json()["muted"] is True
    assert client_for(a).get(f"/api/v1/threads/{thread.pk}").json()["muted"] is False


def test_thread_list_query_count_is_constant(client_for):
    """GET /threads costs the same number of queries for 2 threads as for 12, and pages by cursor."""
    me = UserFactory()

    def count() -> int:
        c = client_for(me)
        c.get("/api/v1/threads")  # warm the per-request caches
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/api/v1/threads").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        other = UserFactory()
        friends(me, other)
        send(other, open_direct(other, me))
    small = count()
    for _ in range(10):
        other = UserFactory()
        friends(me, other)
        send(other, open_direct(other, me))
    assert count() == small
    first = client_for(me).get("/api/v1/threads", {"limit": 5}).json()
    second = client_for(me).get("/api/v1/threads", {"limit": 5, "cursor": first["next"]}).json()
    ids = [t["id"] for t in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 10


def test_message_list_query_count_is_constant(client_for):
    """GET /threads/{id}/messages costs the same for 3 messages as for 30, shared posts included."""
    from tests.feed.factories import publish

    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    post = publish(a)

    def count() -> int:
        c = client_for(b)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/api/v1/threads/{thread.pk}/messages", {"limit": 100}).status_code == 200
        return len(ctx.captured_queries)

    send(a, thread, "one", post_id=post.pk)
    send(b, thread, "two")
    send(a, thread, "three")
    small = count()
    for i in range(27):
        send(a if i % 2 else b, thread, f"m{i}", post_id=post.pk if i % 3 == 0 else None)
    assert count() == small


def test_a_refused_first_message_leaves_no_thread(client_for):
    """POST /threads with a first message that is refused (a link) answers 400 and creates nothing."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    res = client_for(a).post(
        "/api/v1/threads", {"member_ids": [str(b.pk)], "text": "http://x.example"}, format="json"
    )
    assert res.status_code == 400
    assert Thread.objects.count() == 0
    assert ThreadMember.objects.count() == 0
