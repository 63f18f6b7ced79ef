"""Cursors: one signed format for every paginated endpoint; a tampered cursor is a 400, never a 500."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cameos.models import (
    Appearance,
    CameoAccess,
    CameoRequest,
    CameoState,
    CameoUseApproval,
)
from feed import services as feed_services
from moderation.models import Strike
from sora_social.common.errors import ValidationFailed
from sora_social.common.pagination import decode_cursor, decode_int_cursor, encode_cursor
from sora_social.notifications.services import notification_create
from sora_social.urls import api_v1
from tests.accounts.factories import UserFactory, make_member
from tests.cameos.factories import AppearanceFactory, CameoFactory
from tests.feed.factories import publish
from tests.generation.factories import GenerationJobFactory

# Every GET route of the API is in exactly one of these two tables. A new GET
# route fails `test_every_get_route_is_classified` until it is added, and a
# paginated one then gets the tampered-cursor and paging checks below.
PAGINATED = {
    "generations": {},
    "cameos": {},
    "cameos?usable=true": {},
    "me/cameo-requests?state=all": {},
    "me/strikes": {},
    "me/cameo-notifications": {},
    "me/cameo-approvals?state=all": {},
    "cameos/<cameo_id>/appearances": {},
    "cameos/<cameo_id>/grants": {},
    "me/notifications": {},
    "me/invitees?depth=2": {},
    "posts/<post_id>/comments": {},
    "posts/<post_id>/remixes": {},
    "users/<user_id>/posts": {},
    "feed": {},
    "feed?kind=following": {},
    "threads": {},
    "threads?box=requests": {},
    "threads/<thread_id>/messages": {},
    "users/<user_id>/followers": {},
    "users/<user_id>/following": {},
    "search?q=user&type=users": {},  # the world's other members are user<n>
}
NOT_PAGINATED = {
    "posts/<post_id>",
    "posts/<post_id>/lineage",
    "me",
    "me/invites",  # all of a member's (four) codes, always one page
    "me/parental-link",  # at most one link
    "me/notifications/unread",  # one counter
    "me/notification-preferences",  # one member's settings
    "cameos/<cameo_id>",
    "generations/<job_id>",
    "threads/<thread_id>",
    "users/<user_id>",
    "users/by-username/<username>",
}

TAMPERED = ["cD14", "!!", "x" * 5000, base64.urlsafe_b64encode(b"12345").decode()]


def _route(path: str) -> str:
    return path.split("?")[0]


def _url(route: str, ids: dict[str, Any]) -> str:
    path, _, query = route.partition("?")
    for name, value in ids.items():
        path = path.replace(f"<{name}>", str(value))
    return f"/api/v1/{path}" + (f"?{query}" if query else "")


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """A member with at least two items in every list they can page through."""
    settings.FEED_REDIS_URL = None
    settings.MEDIA_ROOT = str(tmp_path)
    owner = make_member()
    for inviter in (owner, make_member(owner)):
        make_member(inviter)
    others = [UserFactory(), UserFactory()]
    cameo = CameoFactory(owner=owner)
    CameoFactory(owner=owner, state=CameoState.REJECTED, verified_at=None)
    for other in others:
        CameoFactory(owner=other)  # usable: audience everyone below
        CameoRequest.objects.create(cameo=cameo, requester=other)
        CameoUseApproval.objects.create(cameo=cameo, requester=other, object_id=other.pk, prompt="a walk")
        CameoAccess.objects.create(cameo=cameo, user=other, state=CameoAccess.State.GRANTED)
        GenerationJobFactory(user=owner)
        AppearanceFactory(cameo=cameo, kind=Appearance.Kind.GENERATION)
        notification_create(
            user_id=owner.pk, kind="cameo.verified", payload={}, target_type="cameo", target_id=cameo.pk
        )
        notification_create(user_id=owner.pk, kind="test", payload={})
        Strike.objects.create(
            user=owner, category="spam", reason="r", appeal_deadline=timezone.now() + timedelta(days=1)
        )
    from cameos.models import Audience, Cameo

    Cameo.objects.filter(owner__in=others).update(audience=Audience.EVERYONE)
    post = publish(owner)
    publish(owner)
    for other in others:
        publish(other, remix_of=post)
        feed_services.comment_create(user=other, post_id=post.id, text="nice")
    from sora_social.accounts import services as account_services

    account_services.follow_create(actor=owner, target=others[0])
    publish(others[0])
    # Two followers and two followed, for the profile lists.
    account_services.follow_create(actor=owner, target=others[1])
    for other in others:
        account_services.follow_create(actor=other, target=owner)
    feed_services.for_you_refresh(user_id=owner.id)
    job = GenerationJobFactory(user=owner)
    thread = _threads(owner, others)
    return {
        "owner": owner,
        "ids": {
            "cameo_id": cameo.pk,
            "post_id": post.pk,
            "user_id": owner.pk,
            "job_id": job.pk,
            "thread_id": thread.pk,
            "username": owner.username,
        },
    }


def _threads(owner: Any, others: list[Any]) -> Any:
    """Two threads in the owner's inbox (one with two messages), two in their requests."""
    from messaging import services as messaging_services
    from sora_social.accounts.viewer import Viewer

    me = Viewer.of(owner)
    first, _ = messaging_services.thread_open(viewer=me, member_ids=[others[0].pk])
    messaging_services.thread_open(viewer=me, member_ids=[others[1].pk])
    messaging_services.message_send(viewer=me, thread_id=first.pk, text="one")
    messaging_services.message_send(viewer=me, thread_id=first.pk, text="two")
    for _ in range(2):
        messaging_services.thread_open(viewer=Viewer.of(UserFactory()), member_ids=[owner.pk])
    return first


def test_every_get_route_is_classified() -> None:
    """Each GET route of the API is known as paginated (and covered here) or as a single object."""
    known = {_route(r) for r in PAGINATED} | NOT_PAGINATED
    for pattern in api_v1:
        if not hasattr(pattern.callback.view_class, "get"):
            continue
        route = str(pattern.pattern).replace("<str:", "<")
        assert route in known, f"GET {route}: add it to PAGINATED (and cover it) or NOT_PAGINATED"


@pytest.mark.parametrize("route", sorted(PAGINATED))
def test_tampered_cursor_is_400_invalid_cursor(route: str, world: dict[str, Any], client_for: Any) -> None:
    """A changed, forged, foreign or oversized cursor answers 400 invalid_cursor on every list."""
    client = client_for(world["owner"])
    url = _url(route, world["ids"])
    sep = "&" if "?" in url else "?"
    foreign = encode_cursor(1, scope="some.other.list")
    for bad in [*TAMPERED, foreign]:
        response = client.get(f"{url}{sep}cursor={bad}")
        assert response.status_code == 400, (route, bad, response.content[:200])
        assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("route", sorted(PAGINATED))
def test_valid_cursor_pages(route: str, world: dict[str, Any], client_for: Any) -> None:
    """limit=1 gives a cursor; following it gives the next, different item; a flipped bit is refused."""
    client = client_for(world["owner"])
    url = _url(route, world["ids"])
    sep = "&" if "?" in url else "?"
    first = client.get(f"{url}{sep}limit=1").json()
    assert len(first["results"]) == 1, (route, first)
    assert first["next"], (route, first)
    second = client.get(f"{url}{sep}limit=1&cursor={first['next']}").json()
    assert len(second["results"]) == 1
    key = "id" if "id" in first["results"][0] else "user_id"
    assert first["results"][0][key] != second["results"][0][key]
    raw = first["next"]
    mid = len(raw) // 2
    flipped = raw[:mid] + ("A" if raw[mid] != "A" else "B") + raw[mid + 1 :]
    assert client.get(f"{url}{sep}limit=1&cursor={flipped}").json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("route", sorted(NOT_PAGINATED))
def test_single_object_routes_ignore_cursor(route: str, world: dict[str, Any], client_for: Any) -> None:
    """Routes that do not page answer as usual (never 500) whatever cursor is sent."""
    response = client_for(world["owner"]).get(_url(route, world["ids"]) + "?cursor=cD14")
    assert response.status_code == 200


@pytest.mark.parametrize("limit", ["0", "101", "-1", "x", "1e9"])
def test_limit_out_of_range_is_400_naming_limit(limit: str, world: dict[str, Any], client_for: Any) -> None:
    """limit is an integer from 1 to 100; anything else is 400 invalid_limit naming `limit`."""
    client = client_for(world["owner"])
    for route in ("generations", "feed", "posts/<post_id>/comments", "me/invitees"):
        response = client.get(_url(route, world["ids"]), {"limit": limit})
        assert response.status_code == 400, route
        assert response.json()["error"]["code"] == "invalid_limit"
        assert "limit" in response.json()["error"]["details"]


def test_cursor_round_trip_and_scope() -> None:
    """A cursor decodes only in the list that made it, and carries any position (ids, paths)."""
    cursor = encode_cursor(123456789, scope="a")
    assert decode_int_cursor(cursor, scope="a") == 123456789
    assert decode_cursor(encode_cursor("0a.1b.2c", scope="p"), scope="p") == "0a.1b.2c"
    with pytest.raises(ValidationFailed) as caught:
        decode_int_cursor(cursor, scope="b")
    assert caught.value.code == "invalid_cursor"
    assert decode_cursor(None, scope="a") is None
    assert decode_cursor("", scope="a") is None
