"""The rules of direct messages: requests, blocks, teens (rule 5), parental controls, rate limits,
content rules, delivery over the WebSocket."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from messaging.models import Message, Thread, ThreadMember
from sora_social.accounts import services as accounts
from sora_social.accounts.models import ParentalLink, TeenSettings
from sora_social.common.events import user_group
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.messaging.factories import friends, open_direct, send, teen

pytestmark = pytest.mark.django_db


def _code(res):
    return res.status_code, res.json()["error"]["code"]


def test_message_from_someone_i_do_not_follow_is_a_request(client_for):
    """It lands in my requests with a dm_request notification; I cannot reply until I accept."""
    stranger, me = UserFactory(), UserFactory()
    res = client_for(stranger).post(
        "/api/v1/threads", {"member_ids": [str(me.pk)], "text": "hey"}, format="json"
    )
    thread_id = res.json()["id"]
    assert client_for(me).get("/api/v1/threads").json()["results"] == []
    requests = client_for(me).get("/api/v1/threads", {"box": "requests"}).json()["results"]
    assert [t["id"] for t in requests] == [thread_id]
    assert requests[0]["request"] is True
    assert Notification.objects.filter(user=me, kind="dm_request").count() == 1
    reply = client_for(me).post(f"/api/v1/threads/{thread_id}/messages", {"text": "who?"}, format="json")
    assert _code(reply) == (409, "request_pending")
    accepted = client_for(me).post(f"/api/v1/threads/{thread_id}/accept")
    assert accepted.json()["state"] == "active"
    assert [t["id"] for t in client_for(me).get("/api/v1/threads").json()["results"]] == [thread_id]
    assert (
        client_for(me)
        .post(f"/api/v1/threads/{thread_id}/messages", {"text": "hi"}, format="json")
        .status_code
        == 201
    )
    assert _code(client_for(me).post(f"/api/v1/threads/{thread_id}/accept")) == (409, "illegal_transition")


def test_message_from_someone_i_follow_goes_to_my_inbox():
    """Following the sender means no request and no request notification."""
    sender, me = UserFactory(), UserFactory()
    accounts.follow_create(actor=me, target=sender)
    thread = open_direct(sender, me)
    assert ThreadMember.objects.get(thread=thread, user=me).state == "active"
    assert not Notification.objects.filter(user=me, kind="dm_request").exists()


def test_declining_a_request_ends_the_thread(client_for):
    """Declined: the thread is gone for me (404) and the sender can no longer send in it."""
    stranger, me = UserFactory(), UserFactory()
    thread = open_direct(stranger, me)
    assert client_for(me).post(f"/api/v1/threads/{thread.pk}/decline").status_code == 204
    assert client_for(me).get(f"/api/v1/threads/{thread.pk}").status_code == 404
    res = client_for(stranger).post(f"/api/v1/threads/{thread.pk}/messages", {"text": "?"}, format="json")
    assert _code(res) == (409, "thread_ended")


def test_blocking_ends_the_thread_both_ways(client_for):
    """After a block neither can send in their thread, and neither can open a new one (404 for the blocked id)."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    send(a, thread)
    accounts.block_create(actor=b, target=a)
    assert Thread.objects.get(pk=thread.pk).state == "ended"
    for sender in (a, b):
        res = client_for(sender).post(f"/api/v1/threads/{thread.pk}/messages", {"text": "x"}, format="json")
        assert _code(res) == (409, "thread_ended")
    other = {a: b, b: a}
    for sender in (a, b):
        res = client_for(sender).post(
            "/api/v1/threads", {"member_ids": [str(other[sender].pk)]}, format="json"
        )
        assert _code(res) == (404, "user_not_found")


def test_group_hides_messages_of_someone_blocked(client_for):
    """In a group, a member I blocked cannot message me (403) and their earlier messages are hidden from me."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for x, y in ((a, b), (a, c), (b, c)):
        friends(x, y)
    res = client_for(a).post("/api/v1/threads", {"member_ids": [str(b.pk), str(c.pk)]}, format="json")
    thread_id = res.json()["id"]
    client_for(b).post(f"/api/v1/threads/{thread_id}/messages", {"text": "from b"}, format="json")
    accounts.block_create(actor=c, target=b)
    texts = [m["text"] for m in client_for(c).get(f"/api/v1/threads/{thread_id}/messages").json()["results"]]
    assert "from b" not in texts
    preview = client_for(c).get(f"/api/v1/threads/{thread_id}").json()["last_message"]
    assert preview["text"] == ""
    res = client_for(b).post(f"/api/v1/threads/{thread_id}/messages", {"text": "again"}, format="json")
    assert res.status_code == 404


def test_adult_cannot_start_a_thread_with_a_teen_who_does_not_follow_them(client_for):
    """403 contact_not_allowed and nothing created; once the teen follows the adult it works."""
    kid, adult = teen(), UserFactory()
    res = client_for(adult).post(
        "/api/v1/threads", {"member_ids": [str(kid.pk)], "text": "hi"}, format="json"
    )
    assert _code(res) == (403, "contact_not_allowed")
    assert Thread.objects.count() == 0
    assert Message.objects.count() == 0
    accounts.follow_create(actor=kid, target=adult)
    ok = client_for(adult).post("/api/v1/threads", {"member_ids": [str(kid.pk)], "text": "hi"}, format="json")
    assert ok.status_code == 201


def _link(parent, kid):
    from django.utils import timezone

    return ParentalLink.objects.create(
        parent=parent, teen=kid, state=ParentalLink.State.ACTIVE, expires_at=timezone.now()
    )


def test_parents_turn_dms_off_or_limit_them_to_mutuals(client_for):
    """Through the parental controls API: off refuses everyone both ways; mutuals refuses followed non-mutuals."""
    kid, parent, friend, idol = teen(), UserFactory(), UserFactory(), UserFactory()
    link = _link(parent, kid)
    friends(kid, friend)
    accounts.follow_create(actor=kid, target=idol)  # the teen follows, the idol does not follow back
    patch = client_for(parent).patch(
        f"/api/v1/parental/links/{link.pk}", {"dms_audience": "mutuals"}, format="json"
    )
    assert patch.status_code == 200, patch.content
    assert patch.json()["controls"]["dms_audience"] == "mutuals"
    res = client_for(idol).post("/api/v1/threads", {"member_ids": [str(kid.pk)]}, format="json")
    assert _code(res) == (403, "contact_not_allowed")
    res = client_for(kid).post("/api/v1/threads", {"member_ids": [str(idol.pk)]}, format="json")
    assert _code(res) == (403, "contact_not_allowed")
    thread = client_for(friend).post("/api/v1/threads", {"member_ids": [str(kid.pk)]}, format="json")
    assert thread.status_code == 201
    client_for(parent).patch(f"/api/v1/parental/links/{link.pk}", {"dms_enabled": False}, format="json")
    assert TeenSettings.objects.get(teen=kid).dms_enabled is False
    thread_id = thread.json()["id"]
    res = client_for(friend).post(f"/api/v1/threads/{thread_id}/messages", {"text": "hi"}, format="json")
    assert _code(res) == (403, "contact_not_allowed")
    res = client_for(kid).post(f"/api/v1/threads/{thread_id}/messages", {"text": "hi"}, format="json")
    assert _code(res) == (403, "dms_off")
    bad = client_for(parent).patch(
        f"/api/v1/parental/links/{link.pk}", {"dms_audience": "anyone"}, format="json"
    )
    assert bad.status_code == 400


def test_shared_post_a_teen_may_not_see_shows_as_unavailable(client_for):
    """A mature post shared into a thread with a teen: the adult sees the card, the teen sees available=false."""
    from feed.models import Post
    from tests.feed.factories import publish

    kid, adult = teen(), UserFactory()
    friends(kid, adult)
    post = publish(adult)
    thread = open_direct(adult, kid)
    send(adult, thread, "look", post_id=post.pk)
    Post.objects.filter(pk=post.pk).update(rating="mature")
    mine = client_for(adult).get(f"/api/v1/threads/{thread.pk}/messages").json()["results"][0]
    theirs = client_for(kid).get(f"/api/v1/threads/{thread.pk}/messages").json()["results"][0]
    assert mine["shared_post"]["available"] is True
    assert mine["shared_post"]["post"]["id"] == str(post.pk)
    assert theirs["shared_post"] == {"available": False, "post": None}


def test_sharing_a_post_i_cannot_see_is_404(client_for):
    """Only a post the sender may see can be shared; a private one is 404 and nothing is sent."""
    from tests.feed.factories import publish

    a, b, author = UserFactory(), UserFactory(), UserFactory()
    friends(a, b)
    private = publish(author, visibility="private")
    thread = open_direct(a, b)
    res = client_for(a).post(
        f"/api/v1/threads/{thread.pk}/messages", {"post_id": str(private.pk)}, format="json"
    )
    assert _code(res) == (404, "post_not_found")
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": "see https://evil.example/x"}, "links_not_allowed"),
        ({"text": "go to www.example.org now"}, "links_not_allowed"),
        ({"text": "free stuff at scam.ru"}, "links_not_allowed"),
        ({"text": "hi", "image": "data:image/png;base64,AAAA"}, "attachments_not_allowed"),
        ({"text": ""}, "message_empty"),
        ({"text": "x" * 2001}, "validation_error"),
        ({"text": 5}, "validation_error"),
    ],
)
def test_links_images_and_bad_bodies_are_refused(client_for, body, code):
    """Links, images and malformed bodies answer a clear 400 and store nothing."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    res = client_for(a).post(f"/api/v1/threads/{thread.pk}/messages", body, format="json")
    assert _code(res) == (400, code)
    assert Message.objects.count() == 0


def test_messages_pass_the_text_checks(client_for):
    """A message the text checks block is refused (400 message_not_allowed) and not stored."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    res = client_for(a).post(
        f"/api/v1/threads/{thread.pk}/messages", {"text": "kill yourself"}, format="json"
    )
    assert _code(res) == (400, "message_not_allowed")
    assert Message.objects.count() == 0


def test_rate_limit_per_sender(client_for, settings):
    """Past MESSAGING_SEND_PER_MINUTE messages a minute: 429 with Retry-After, nothing stored."""
    settings.MESSAGING_SEND_PER_MINUTE = 3
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    for i in range(3):
        send(a, thread, f"m{i}")
    res = client_for(a).post(f"/api/v1/threads/{thread.pk}/messages", {"text": "one more"}, format="json")
    assert _code(res) == (429, "messages_rate_limited")
    assert res["Retry-After"] == "60"
    assert Message.objects.count() == 3


def test_rate_limit_per_new_recipient(client_for, settings):
    """Past MESSAGING_NEW_RECIPIENTS_PER_DAY new people a day: 429; existing threads still work."""
    settings.MESSAGING_NEW_RECIPIENTS_PER_DAY = 2
    sender = UserFactory()
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    open_direct(sender, first)
    open_direct(sender, second)
    res = client_for(sender).post("/api/v1/threads", {"member_ids": [str(third.pk)]}, format="json")
    assert _code(res) == (429, "new_recipients_rate_limited")
    again = client_for(sender).post("/api/v1/threads", {"member_ids": [str(first.pk)]}, format="json")
    assert again.status_code == 200


def test_message_is_delivered_over_the_websocket_on_commit(django_capture_on_commit_callbacks):
    """The other member's socket group gets message.new once the transaction commits, marked muted if muted."""
    a, b = UserFactory(), UserFactory()
    friends(a, b)
    thread = open_direct(a, b)
    ThreadMember.objects.filter(thread=thread, user=b).update(muted=True)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(b.pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(a, thread, "ping")
    event = async_to_sync(layer.receive)(channel)["payload"]
    assert event["type"] == "message.new"
    assert event["thread_id"] == str(thread.pk)
    assert event["message"]["id"] == str(message.pk)
    assert event["message"]["text"] == "ping"
    assert event["muted"] is True


def test_rate_limit_per_new_recipient_until_they_accept(client_for, settings):
    """A sender may send MESSAGING_REQUEST_MESSAGES_MAX messages into an unaccepted request; then 429
    until the recipient accepts."""
    settings.MESSAGING_REQUEST_MESSAGES_MAX = 2
    stranger, me = UserFactory(), UserFactory()
    thread = open_direct(stranger, me)
    send(stranger, thread, "hi")
    send(stranger, thread, "hello?")
    res = client_for(stranger).post(f"/api/v1/threads/{thread.pk}/messages", {"text": "???"}, format="json")
    assert _code(res) == (429, "request_messages_limited")
    client_for(me).post(f"/api/v1/threads/{thread.pk}/accept")
    res = client_for(stranger).post(
        f"/api/v1/threads/{thread.pk}/messages", {"text": "thanks"}, format="json"
    )
    assert res.status_code == 201
