"""The notifications endpoints: the grouped list (constant queries, cursor pages), unread, read, preferences, devices."""

from __future__ import annotations

from typing import Any

import pytest

from sora_social.accounts.services import follow_create, notification_create
from sora_social.notifications.models import PushDevice
from tests.accounts.factories import UserFactory


def _like(user: Any, actor: Any, post_id: int) -> None:
    notification_create(
        user_id=user.pk, kind="like", payload={"post_id": str(post_id)}, actor_id=actor.pk,
        target_type="post", target_id=post_id,
    )  # fmt: skip


@pytest.mark.django_db
def test_list_groups_with_text_actors_and_constant_queries(client_for, django_assert_num_queries):
    """One item per group with its sentence and actor sample; the page costs the same queries for 3 or 30 groups."""
    me = UserFactory()
    fans = [UserFactory(display_name=f"Fan {i}") for i in range(12)]
    for fan in fans:
        _like(me, fan, 1)
    follow_create(actor=fans[0], target=me)
    client = client_for(me)
    client.get("/api/v1/me")  # warm the per-token cache so the counts below are the list's own
    with django_assert_num_queries(3) as few:
        body = client.get("/api/v1/me/notifications").json()
    assert [item["kind"] for item in body["results"]] == ["follow", "like"]
    like = body["results"][1]
    assert like["count"] == 12
    assert like["text"] == "Fan 11, Fan 10, Fan 9 and 9 others liked your post"
    assert [a["id"] for a in like["actors"]] == [str(fans[11].pk), str(fans[10].pk), str(fans[9].pk)]
    assert like["target"] == {"type": "post", "id": "1"}
    assert like["read"] is False
    assert body["results"][0]["text"] == "Fan 0 started following you"
    for post_id in range(2, 30):
        _like(me, fans[post_id % 12], post_id)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/api/v1/me/notifications?limit=25").json()
    assert len(page["results"]) == 25
    rest = client.get(f"/api/v1/me/notifications?limit=25&cursor={page['next']}").json()
    assert len(rest["results"]) == 5
    assert rest["next"] is None
    ids = [i["id"] for i in page["results"] + rest["results"]]
    assert len(set(ids)) == 30


@pytest.mark.django_db
def test_unread_and_mark_read_over_the_api(client_for):
    """The unread counter over the API; marking up to an id, then all; a non-id is a 400 that marks nothing."""
    me = UserFactory()
    client = client_for(me)
    assert client.get("/api/v1/me/notifications/unread").json() == {"unread": 0}
    for post_id in (1, 2, 3):
        _like(me, UserFactory(), post_id)
    items = client.get("/api/v1/me/notifications").json()["results"]
    assert client.get("/api/v1/me/notifications/unread").json() == {"unread": 3}
    bad = client.post("/api/v1/me/notifications/read", {"up_to_id": "0"}, format="json")
    assert bad.status_code == 400
    assert client.get("/api/v1/me/notifications/unread").json() == {"unread": 3}
    oldest = items[-1]["notification_id"]
    got = client.post("/api/v1/me/notifications/read", {"up_to_id": oldest}, format="json").json()
    assert got == {"marked": 1, "unread": 2}
    assert client.post("/api/v1/me/notifications/read", {}, format="json").json() == {
        "marked": 2,
        "unread": 0,
    }
    assert all(i["read"] for i in client.get("/api/v1/me/notifications").json()["results"])


@pytest.mark.django_db
def test_preferences_round_trip_and_refusals(client_for):
    """Muted kinds are read and replaced; a safety notice or unknown kind is a 400 and changes nothing."""
    me = UserFactory()
    client = client_for(me)
    body = client.get("/api/v1/me/notification-preferences").json()
    assert body["muted"] == []
    assert "like" in body["kinds"]
    assert "moderation.strike" not in body["kinds"]
    got = client.patch("/api/v1/me/notification-preferences", {"muted": ["like", "follow"]}, format="json")
    assert got.json()["muted"] == ["follow", "like"]
    for bad in (["moderation.strike"], ["nope"], "like"):
        res = client.patch("/api/v1/me/notification-preferences", {"muted": bad}, format="json")
        assert res.status_code == 400
    assert client.get("/api/v1/me/notification-preferences").json()["muted"] == ["follow", "like"]
    assert client.patch("/api/v1/me/notification-preferences", {}, format="json").json()["muted"] == [
        "follow",
        "like",
    ]
    follow_create(actor=UserFactory(), target=me)
    assert client.get("/api/v1/me/notifications").json()["results"] == []


@pytest.mark.django_db
def test_devices_register_move_and_remove(client_for):
    """A token registers once per platform, moves to whoever registers it last; only its owner removes it."""
    me, other = UserFactory(), UserFactory()
    token = "AB" * 32
    res = client_for(me).post("/api/v1/me/devices", {"platform": "ios", "token": token}, format="json")
    assert res.status_code == 201
    device_id = res.json()["id"]
    assert PushDevice.objects.get(pk=device_id).token == token.lower()
    again = client_for(other).post("/api/v1/me/devices", {"platform": "ios", "token": token}, format="json")
    assert again.json()["id"] == device_id
    assert PushDevice.objects.get().user_id == other.pk
    assert client_for(me).delete(f"/api/v1/me/devices/{device_id}").status_code == 404
    assert client_for(other).delete(f"/api/v1/me/devices/{device_id}").status_code == 204
    assert not PushDevice.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"platform": "ios", "token": "not-hex"}, "invalid_device_token"),
        ({"platform": "android", "token": "short"}, "invalid_device_token"),
        ({"platform": "windows", "token": "ab" * 32}, "validation_error"),
        ({"platform": "ios"}, "validation_error"),
    ],
)
def test_bad_device_registrations_are_refused(client_for, body, code):
    """A token of the wrong shape or an unknown platform is a 400 and stores nothing."""
    res = client_for(UserFactory()).post("/api/v1/me/devices", body, format="json")
    assert (res.status_code, res.json()["error"]["code"]) == (400, code)
    assert not PushDevice.objects.exists()


@pytest.mark.django_db
def test_a_member_keeps_at_most_twenty_devices():
    """Registering a 21st device drops the oldest registration."""
    from sora_social.notifications import services

    me = UserFactory()
    first = services.device_register(user_id=me.pk, platform="ios", token=f"{0:064x}")
    for i in range(1, 21):
        services.device_register(user_id=me.pk, platform="ios", token=f"{i:064x}")
    assert PushDevice.objects.filter(user=me).count() == 20
    assert not PushDevice.objects.filter(pk=first.pk).exists()
