"""The authorization matrix: every API route with a path parameter, for every kind of caller.

The routes come from the URL conf, so a new id-taking endpoint without its row
in `MATRIX` fails `test_every_id_taking_route_has_a_row`. Each row says, for
one (route, method), the status each caller gets on an object that belongs to
`owner`: objects a caller may not see answer 404, never 403 (rule 8), and
suspended members and anonymous callers are 401 before any id is looked at.

The owner's post is followers-only and their cameo open to requests
(`approved`), so the rows tell the follower from the other members.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory, link_parent, make_member
from tests.conftest import bearer

ROLES = ("owner", "other", "follower", "blocked", "teen", "suspended", "anonymous")
API_PREFIX = "api/v1/"


def _routes() -> list[tuple[str, str, type]]:
    """(route with <params>, url name, view class) of every API route that takes a path parameter."""
    found: list[tuple[str, str, type]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(API_PREFIX) and p.pattern.converters:
                    found.append((route[len(API_PREFIX) :], p.name, p.callback.view_class))

    walk(get_resolver().url_patterns, "")
    return found


def _methods(view: type) -> list[str]:
    return sorted(
        m.upper() for m in view.http_method_names if m not in ("options", "head") and hasattr(view, m)
    )


@dataclass
class World:
    """Members in every role towards `owner`, and one object of each kind that `owner` owns."""

    users: dict[str, Any]
    objects: dict[str, Any]


def _world() -> World:
    from cameos.models import Audience, CameoRequest, CameoUseApproval
    from cameos.services import cameo_grant
    from messaging.services import message_send, thread_open
    from moderation.models import Strike
    from sora_social.accounts.services import block_create, follow_create, parental_link_start
    from sora_social.accounts.viewer import Viewer
    from sora_social.notifications.services import device_register
    from tests.cameos.factories import AppearanceFactory, CameoFactory
    from tests.feed.factories import publish, ready_job

    today = dt.date.today()
    owner, other, follower, blocked = make_member(), UserFactory(), UserFactory(), UserFactory()
    teen = UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15))
    suspended = UserFactory(is_active=False, suspended_at=timezone.now())
    follow_create(actor=follower, target=owner)
    block_create(actor=owner, target=blocked)
    post = publish(owner, visibility="followers")
    cameo = CameoFactory(owner=owner, audience=Audience.APPROVED)
    cameo_grant(cameo=cameo, user_id=follower.id)
    appearance = AppearanceFactory(cameo=cameo)
    request = CameoRequest.objects.create(cameo=cameo, requester=other)
    # `other` cast the owner's cameo, whose rules ask to approve every use.
    approval = CameoUseApproval.objects.create(cameo=cameo, requester=other, object_id=1, prompt="a walk")
    child = UserFactory(
        is_teen=True, birthdate=today.replace(year=today.year - 14), email="child@example.test"
    )
    link = link_parent(child, owner)
    pending = parental_link_start(parent=owner)
    strike = Strike.objects.create(
        user=owner, category="spam", reason="test", appeal_deadline=timezone.now() + dt.timedelta(days=7)
    )
    job = ready_job(owner)
    device = device_register(user_id=owner.id, platform="ios", token="ab" * 32)
    # A 1:1 thread of the owner and the follower (the follower follows the owner: no request).
    thread, _ = thread_open(viewer=Viewer.of(owner), member_ids=[follower.id])
    message = message_send(viewer=Viewer.of(owner), thread_id=thread.id, text="hello")
    return World(
        users={
            "owner": owner,
            "other": other,
            "follower": follower,
            "blocked": blocked,
            "teen": teen,
            "suspended": suspended,
            "anonymous": None,
        },
        objects={
            "post": post,
            "cameo": cameo,
            "grantee": follower,
            "appearance": appearance,
            "request": request,
            "approval": approval,
            "link": link,
            "pending": pending,
            "strike": strike,
            "job": job,
            "device": device,
            "thread": thread,
            "message": message,
        },
    )


Kwargs = Callable[[World], dict[str, str]]


def _ids(**objects: str) -> Kwargs:
    """URL kwargs naming world objects by id: `_ids(job_id="job")` → {"job_id": "<the job's id>"}."""
    return lambda w: {kwarg: str(w.objects[name].id) for kwarg, name in objects.items()}


def _user(w: World) -> dict[str, str]:
    return {"user_id": str(w.users["owner"].id)}


_post = _ids(post_id="post")
_cameo = _ids(cameo_id="cameo")
_thread = _ids(thread_id="thread")


# Statuses in ROLES order: owner, other, follower, blocked, teen, suspended, anonymous.
_A = (401, 401)  # suspended, anonymous


def _row(owner: int, other: int, follower: int, blocked: int, teen: int) -> tuple[int, ...]:
    return (owner, other, follower, blocked, teen, *_A)


@dataclass(frozen=True)
class Row:
    kwargs: Kwargs
    statuses: tuple[int, ...]
    body: dict[str, Any] | None = None


# (url name, method) → what each role gets. 404 wherever the caller may not see the object.
MATRIX: dict[tuple[str, str], Row] = {
    # A followers-only post: its author and followers see it; everyone else, 404.
    ("post-detail", "GET"): Row(_post, _row(200, 404, 200, 404, 404)),
    ("post-detail", "DELETE"): Row(_post, _row(204, 404, 404, 404, 404)),
    ("post-like", "POST"): Row(_post, _row(200, 404, 200, 404, 404)),
    ("post-like", "DELETE"): Row(_post, _row(200, 404, 200, 404, 404)),
    ("post-comments", "GET"): Row(_post, _row(200, 404, 200, 404, 404)),
    ("post-comments", "POST"): Row(_post, _row(201, 404, 201, 404, 404), {"text": "hello"}),
    ("post-views", "POST"): Row(_post, _row(200, 404, 200, 404, 404)),
    ("post-lineage", "GET"): Row(_post, _row(200, 404, 200, 404, 404)),
    ("post-remixes", "GET"): Row(_post, _row(200, 404, 200, 404, 404)),
    # A member: anyone but a blocked member sees the profile (its visible posts).
    ("user-posts", "GET"): Row(_user, _row(200, 200, 200, 404, 200)),
    # A profile and its follower lists: anyone but a blocked member (suspended and deleted: 404 too).
    ("user-profile", "GET"): Row(_user, _row(200, 200, 200, 404, 200)),
    ("user-by-username", "GET"): Row(
        lambda w: {"username": w.users["owner"].username}, _row(200, 200, 200, 404, 200)
    ),
    ("user-followers", "GET"): Row(_user, _row(200, 200, 200, 404, 200)),
    ("user-following", "GET"): Row(_user, _row(200, 200, 200, 404, 200)),
    ("user-follow", "POST"): Row(_user, _row(400, 200, 200, 404, 200)),
    # Unfollowing or unblocking oneself is a no-op, like unfollowing someone not followed.
    ("user-follow", "DELETE"): Row(_user, _row(200, 200, 200, 404, 200)),
    # Blocking works across a block, so it can be undone.
    ("user-block", "POST"): Row(_user, _row(400, 200, 200, 200, 200)),
    ("user-block", "DELETE"): Row(_user, _row(200, 200, 200, 200, 200)),
    # Parental links: only the linked parent; a code is accepted by a teen only.
    (
        "parental-link-accept",
        "POST",
    ): Row(lambda w: {"code": w.objects["pending"].code}, _row(400, 403, 403, 403, 200)),
    ("parental-link", "PATCH"): Row(
        _ids(link_id="link"),
        _row(200, 404, 404, 404, 404),
        {"dms_enabled": False},
    ),
    ("strike-appeal", "POST"): Row(
        _ids(strike_id="strike"),
        _row(200, 404, 404, 404, 404),
        {"text": "I disagree"},
    ),
    # A cameo open to requests: members see it to ask (not a blocked one); only the owner manages it.
    ("cameo-detail", "GET"): Row(_cameo, _row(200, 200, 200, 404, 200)),
    ("cameo-detail", "PATCH"): Row(_cameo, _row(200, 404, 404, 404, 404), {"rules": "no horror"}),
    ("cameo-detail", "DELETE"): Row(_cameo, _row(204, 404, 404, 404, 404)),
    # The owner gets past the id check to the missing file (400); others never get that far.
    ("cameo-recording", "POST"): Row(_cameo, _row(400, 404, 404, 404, 404)),
    # `other` already has a pending request and `follower` a grant: 409 for both; the teen may ask.
    ("cameo-request-create", "POST"): Row(_cameo, _row(400, 409, 409, 404, 201), {"message": "may I?"}),
    ("cameo-grants", "GET"): Row(_cameo, _row(200, 404, 404, 404, 404)),
    ("cameo-grants", "POST"): Row(
        _cameo, _row(201, 404, 404, 404, 404), None
    ),  # body filled in below (needs the world)
    ("cameo-grant", "DELETE"): Row(_ids(cameo_id="cameo", user_id="grantee"), _row(204, 404, 404, 404, 404)),
    ("cameo-appearances", "GET"): Row(_cameo, _row(200, 404, 404, 404, 404)),
    ("cameo-appearance", "DELETE"): Row(
        _ids(cameo_id="cameo", appearance_id="appearance"),
        _row(204, 404, 404, 404, 404),
    ),
    ("cameo-request-approve", "POST"): Row(_ids(request_id="request"), _row(200, 404, 404, 404, 404)),
    ("cameo-request-deny", "POST"): Row(_ids(request_id="request"), _row(200, 404, 404, 404, 404)),
    # Only the cameo's owner decides a use; the requester and everyone else get 404.
    ("cameo-approval-approve", "POST"): Row(_ids(approval_id="approval"), _row(200, 404, 404, 404, 404)),
    ("cameo-approval-deny", "POST"): Row(_ids(approval_id="approval"), _row(200, 404, 404, 404, 404)),
    # A push device is its member's alone.
    ("me-device", "DELETE"): Row(_ids(device_id="device"), _row(204, 404, 404, 404, 404)),
    # A generation is its requester's private draft.
    ("generation-detail", "GET"): Row(_ids(job_id="job"), _row(200, 404, 404, 404, 404)),
    ("generation-detail", "DELETE"): Row(_ids(job_id="job"), _row(409, 404, 404, 404, 404)),
    # Only the owner may appeal; a ready job was not blocked by the prompt check (409 not_appealable).
    ("generation-appeal", "POST"): Row(
        _ids(job_id="job"), _row(409, 404, 404, 404, 404), {"note": "it was fine"}
    ),
    # A 1:1 thread of the owner and the follower: its two members only; everyone else 404.
    ("thread-detail", "GET"): Row(_thread, _row(200, 404, 200, 404, 404)),
    ("thread-messages", "GET"): Row(_thread, _row(200, 404, 200, 404, 404)),
    ("thread-messages", "POST"): Row(_thread, _row(201, 404, 201, 404, 404), {"text": "hello"}),
    # The owner's message: the other member sees it but may not delete it (403).
    ("thread-message", "DELETE"): Row(
        _ids(thread_id="thread", message_id="message"), _row(204, 404, 403, 404, 404)
    ),
    ("thread-read", "POST"): Row(_thread, _row(200, 404, 200, 404, 404)),
    ("thread-leave", "POST"): Row(_thread, _row(204, 404, 204, 404, 404)),
    ("thread-mute", "POST"): Row(_thread, _row(200, 404, 200, 404, 404), {"muted": True}),
    # Both members are already in (not a request): 409 illegal_transition.
    ("thread-accept", "POST"): Row(_thread, _row(409, 404, 409, 404, 404)),
    ("thread-decline", "POST"): Row(_thread, _row(409, 404, 409, 404, 404)),
}


def _body(name: str, method: str, world: World) -> dict[str, Any] | None:
    if (name, method) == ("cameo-grants", "POST"):
        return {"user_id": str(world.users["other"].id)}
    return MATRIX[(name, method)].body


def test_every_id_taking_route_has_a_row():
    """Every (route, method) with a path parameter in the URL conf has a row, and every row a route."""
    routes = {(name, m) for _, name, view in _routes() for m in _methods(view)}
    assert routes, "no routes found"
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without a row in MATRIX: {missing}"
    assert not stale, f"rows without a route: {stale}"


def _cases() -> list[tuple[str, str, str]]:
    return [(route, name, m) for route, name, view in _routes() for m in _methods(view)]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "method"), _cases(), ids=lambda v: str(v))
def test_each_caller_gets_the_status_in_the_matrix(route, name, method):
    """For one (route, method): each of the seven callers gets exactly the status in its row."""
    from django.urls import reverse

    row = MATRIX.get((name, method))
    assert row is not None, f"{name} {method} has no row"
    world = _world()
    url = reverse(name, kwargs=row.kwargs(world))
    got: dict[str, int] = {}
    for role in ROLES:
        client = APIClient()
        user = world.users[role]
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
        # Each caller acts on the same world: what one request changes is rolled back.
        with transaction.atomic():
            response = getattr(client, method.lower())(url, _body(name, method, world), format="json")
            transaction.set_rollback(True)
        got[role] = response.status_code
        if response.status_code == 404:
            # Hidden and unknown look alike: the error body, never a hint of what exists.
            assert response.json()["error"]["code"].endswith("not_found"), (role, response.content)
    want = dict(zip(ROLES, row.statuses, strict=True))
    assert got == want, f"{method} {route}"


@pytest.mark.django_db
def test_removed_and_private_posts_are_404_on_every_post_route():
    """On every route taking a post id, a private post is 404 to everyone but its author, and a
    removed one to everyone, its author included; the answer is the same as for an unknown id."""
    from django.urls import reverse

    from feed import services as feed_services
    from tests.feed.factories import publish

    world = _world()
    owner = world.users["owner"]
    private = publish(owner, visibility="private")
    removed = publish(owner)
    feed_services.post_delete(author=owner, post_id=removed.id)
    post_routes = [(name, view) for route, name, view in _routes() if "<str:post_id>" in route]
    assert len(post_routes) >= 6
    for name, view in post_routes:
        for method in _methods(view):
            for post, roles in ((private, ROLES[1:5]), (removed, ROLES[:5]), (None, ROLES[:5])):
                url = reverse(name, kwargs={"post_id": str(post.id) if post else "999999999"})
                for role in roles:
                    client = APIClient()
                    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(world.users[role])}")
                    with transaction.atomic():
                        response = getattr(client, method.lower())(url, {"text": "hi"}, format="json")
                        transaction.set_rollback(True)
                    assert response.status_code == 404, (name, method, role, post and post.visibility)
