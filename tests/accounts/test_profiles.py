"""Profiles: stored counters, the profile endpoints, avatars, follower lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from sora_social.accounts import services
from sora_social.accounts.models import Follow, User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def _teen(**kw):
    today = dt.date.today()
    return UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15), **kw)


def _counts(user):
    user.refresh_from_db()
    return user.follower_count, user.following_count


def _png(size=(300, 200), color=(200, 30, 30)) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    buf.seek(0)
    buf.name = "me.png"
    return buf


# --- counters ---------------------------------------------------------------------------


def test_follow_and_unfollow_move_both_counters_once():
    """Following moves the followee's follower count and the follower's following count by one;
    following again changes nothing; unfollowing moves them back."""
    a, b = UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    services.follow_create(actor=a, target=b)
    assert _counts(a) == (0, 1)
    assert _counts(b) == (1, 0)
    assert services.follow_delete(actor=a, target=b)
    assert not services.follow_delete(actor=a, target=b)
    assert _counts(a) == (0, 0)
    assert _counts(b) == (0, 0)


def test_block_removes_follows_both_ways_and_their_counts():
    """A block ends both follows; all four counters drop."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    services.follow_create(actor=a, target=b)
    services.follow_create(actor=b, target=a)
    services.follow_create(actor=c, target=a)
    services.block_create(actor=a, target=b)
    assert _counts(a) == (1, 0)
    assert _counts(b) == (0, 0)


def test_account_deletion_moves_the_counts_of_everyone_it_followed_or_was_followed_by():
    """Deleting an account drops the follows and the other members' counters with them."""
    gone, fan, idol = UserFactory(), UserFactory(), UserFactory()
    services.follow_create(actor=fan, target=gone)
    services.follow_create(actor=gone, target=idol)
    services.account_delete(user=gone, actor=gone, reason="self")
    assert _counts(fan) == (0, 0)
    assert _counts(idol) == (0, 0)
    assert not Follow.objects.filter(follower=gone).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_count_exactly():
    """Eight members following one target at once, plus the same follow sent eight times at once:
    the counters equal the follow rows."""
    target = UserFactory()
    fans = [UserFactory() for _ in range(8)]
    twice = UserFactory()
    errors: list[BaseException] = []

    def go(i: int) -> None:
        try:
            services.follow_create(actor=fans[i], target=target)
            services.follow_create(actor=twice, target=target)
        except BaseException as exc:  # recorded, asserted below
            errors.append(exc)

    run_at_once(go, 8)
    assert errors == []
    target.refresh_from_db()
    twice.refresh_from_db()
    assert target.follower_count == Follow.objects.filter(followee=target).count() == 9
    assert twice.following_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_mutual_follows_do_not_deadlock():
    """A following B while B follows A, many pairs at once: no deadlock, exact counts."""
    pairs = [(UserFactory(), UserFactory()) for _ in range(4)]
    errors: list[BaseException] = []

    def go(i: int) -> None:
        a, b = pairs[i // 2]
        try:
            if i % 2:
                services.follow_create(actor=a, target=b)
            else:
                services.follow_create(actor=b, target=a)
        except BaseException as exc:
            errors.append(exc)

    run_at_once(go, 8)
    assert errors == []
    for a, b in pairs:
        assert _counts(a) == (1, 1)
        assert _counts(b) == (1, 1)


# --- profile endpoints -------------------------------------------------------------------


def test_profile_has_counts_and_both_follow_flags(client_for):
    """`GET /users/{id}` and `/users/by-username/{name}`: bio, counts, followed_by_me, follows_me."""
    me, them = UserFactory(), UserFactory(bio="I make films", username="Filmmaker")
    services.follow_create(actor=them, target=me)
    client = client_for(me)
    body = client.get(f"/api/v1/users/{them.id}").json()
    assert body["bio"] == "I make films"
    assert body["counts"] == {"followers": 0, "following": 1, "posts": 0}
    assert (body["followed_by_me"], body["follows_me"]) == (False, True)
    assert body["avatar_url"] is None
    services.follow_create(actor=me, target=them)
    body = client.get("/api/v1/users/by-username/filmmaker").json()
    assert body["id"] == str(them.id)
    assert (body["followed_by_me"], body["follows_me"]) == (True, True)
    assert body["counts"]["followers"] == 1


def test_hidden_members_are_404(client_for):
    """Blocked either way, suspended, deleted and unknown members all answer the same 404."""
    me = UserFactory()
    blocker, blocked = UserFactory(), UserFactory()
    suspended = UserFactory(is_active=False, suspended_at=timezone.now())
    deleted = UserFactory()
    services.block_create(actor=blocker, target=me)
    services.block_create(actor=me, target=blocked)
    services.account_delete(user=deleted, actor=deleted, reason="self")
    client = client_for(me)
    for user in (blocker, blocked, suspended, deleted):
        for url in (f"/api/v1/users/{user.id}", f"/api/v1/users/by-username/{user.username}"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/users/123456789").status_code == 404
    assert client.get("/api/v1/users/not-an-id").status_code == 404
    assert client.get("/api/v1/users/by-username/nobody-here").status_code == 404


# --- avatar -----------------------------------------------------------------------------


def test_avatar_upload_is_resized_private_and_replaceable(client_for, django_capture_on_commit_callbacks):
    """A PNG avatar is stored as a 512² JPEG under a private name with a signed URL; a new one
    replaces it and deletes the old file; removing deletes the file too."""
    me = UserFactory()
    client = client_for(me)
    response = client.patch("/api/v1/me", {"avatar": _png(), "bio": "hello"}, format="multipart")
    assert response.status_code == 200, response.content
    me.refresh_from_db()
    first = me.avatar
    assert first.startswith("private/")
    assert me.bio == "hello"
    with default_storage.open(first, "rb") as handle, Image.open(handle) as image:
        assert (image.format, image.size) == ("JPEG", (512, 512))
    url = response.json()["avatar_url"]
    assert "sig=" in url
    assert first.split("/")[1] in url
    assert client.get(url.replace("http://testserver", "")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.patch("/api/v1/me", {"avatar": _png(color=(0, 0, 255))}, format="multipart")
    me.refresh_from_db()
    assert me.avatar != first
    assert not default_storage.exists(first)
    second = me.avatar
    with django_capture_on_commit_callbacks(execute=True):
        body = client.patch("/api/v1/me", {"remove_avatar": True}, format="json").json()
    assert body["avatar_url"] is None
    assert not default_storage.exists(second)


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"not an image at all", 400, "corrupt_image"),
        ("gif", 415, "unsupported_image_type"),
        ("tiny", 400, "image_dimensions"),
    ],
)
def test_bad_avatar_changes_nothing(client_for, data, status, code):
    """A corrupt, unsupported or too-small image is refused with its code; bio and avatar stay."""
    me = UserFactory(bio="before")
    client = client_for(me)
    client.patch("/api/v1/me", {"avatar": _png()}, format="multipart")
    me.refresh_from_db()
    kept = me.avatar
    if data == "tiny":
        upload = _png(size=(8, 8))
    elif data == "gif":
        upload = io.BytesIO()
        Image.new("RGB", (64, 64)).save(upload, format="GIF")
        upload.seek(0)
        upload.name = "x.gif"
    else:
        upload = io.BytesIO(data)
        upload.name = "x.png"
    response = client.patch("/api/v1/me", {"avatar": upload, "bio": "after"}, format="multipart")
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    me.refresh_from_db()
    assert (me.bio, me.avatar) == ("before", kept)
    assert default_storage.exists(kept)


def test_account_deletion_deletes_the_avatar_file(client_for, django_capture_on_commit_callbacks):
    """Deleting the account deletes the avatar file (its URL dies with it)."""
    me = UserFactory()
    client = client_for(me)
    client.patch("/api/v1/me", {"avatar": _png()}, format="multipart")
    me.refresh_from_db()
    name = me.avatar
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not default_storage.exists(name)
    assert User.objects.get(pk=me.pk).avatar == ""


# --- lists ------------------------------------------------------------------------------


def _list(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_followers_and_following_respect_blocks_and_teens(client_for):
    """Followers lists leave out members blocked either way with me and, for an adult viewer,
    teens who do not follow them; a teen viewer sees the teen."""
    star, me = UserFactory(), UserFactory()
    fan, blocker, teen, teen_fan_of_me = UserFactory(), UserFactory(), _teen(), _teen()
    for follower in (fan, blocker, teen, teen_fan_of_me):
        services.follow_create(actor=follower, target=star)
    services.follow_create(actor=teen_fan_of_me, target=me)
    services.block_create(actor=blocker, target=me)
    body = _list(client_for(me), f"/api/v1/users/{star.id}/followers")
    ids = [r["id"] for r in body["results"]]
    assert ids == [str(teen_fan_of_me.id), str(fan.id)]
    assert body["results"][0]["follows_me"] is True
    other_teen = _teen()
    teen_ids = {
        r["id"] for r in _list(client_for(other_teen), f"/api/v1/users/{star.id}/followers")["results"]
    }
    assert str(teen.id) in teen_ids
    following = _list(client_for(me), f"/api/v1/users/{fan.id}/following")
    assert [r["id"] for r in following["results"]] == [str(star.id)]
    assert client_for(blocker).get(f"/api/v1/users/{me.id}/followers").status_code == 404


def test_follower_pages_walk_with_cursors_in_constant_queries(client_for):
    """Pages of 2 walk every follower newest first; a page costs the same queries for 3 or 12 rows."""
    star, me = UserFactory(), UserFactory()
    fans = [UserFactory() for _ in range(5)]
    for fan in fans:
        services.follow_create(actor=fan, target=star)
    client = client_for(me)
    seen, url = [], f"/api/v1/users/{star.id}/followers?limit=2"
    while url:
        body = _list(client, url)
        seen += [r["id"] for r in body["results"]]
        url = f"/api/v1/users/{star.id}/followers?limit=2&cursor={body['next']}" if body["next"] else None
    assert seen == [str(f.id) for f in reversed(fans)]
    assert client.get(f"/api/v1/users/{star.id}/followers?cursor=forged").status_code == 400

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            _list(client, f"/api/v1/users/{star.id}/followers?limit={limit}")
        return len(ctx.captured_queries)

    small = queries(3)
    for _ in range(8):
        services.follow_create(actor=UserFactory(), target=star)
    assert queries(12) == small
