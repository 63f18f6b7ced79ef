"""Account deletion: `DELETE /api/v1/me` with the password; every file, URL, token, face
embedding and post of the member goes, the row stays as a scrubbed tombstone in the tree."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sora_social.accounts.models import AccountAction, Follow, InviteCode, User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.common.test_media_access import MEMBER_FILES, _fetch, _job, _minted, _world
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_X_ACCEL_PREFIX = None


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
    return client


def _delete_me(user: Any, body: Any = None) -> Any:
    return _client(user).delete("/api/v1/me", {"password": PASSWORD} if body is None else body, format="json")


def _faces(kind: str, subject_id: int) -> None:
    from cameos.models import ArcFaceEmbedding, DlibFaceEmbedding

    pool = "registry" if kind == "cameo" else "output"
    DlibFaceEmbedding.objects.create(
        pool=pool, subject_kind=kind, subject_id=subject_id, embedding=np.ones(128, dtype=np.float32)
    )
    ArcFaceEmbedding.objects.create(
        pool=pool, subject_kind=kind, subject_id=subject_id, embedding=np.ones(512, dtype=np.float32)
    )


def _face_count(kind: str, subject_id: int) -> int:
    from cameos.models import ArcFaceEmbedding, DlibFaceEmbedding

    return sum(
        m.objects.filter(subject_kind=kind, subject_id=subject_id).count()
        for m in (DlibFaceEmbedding, ArcFaceEmbedding)
    )


def test_deleting_my_account_kills_every_url_minted_before(django_capture_on_commit_callbacks):
    """After `DELETE /me` every URL handed out before (public post, followers post, draft, upload)
    answers 404, the biometric files and face embeddings are gone, and others get 404 on the posts."""
    world = _world()
    owner = world["users"]["owner"]
    cameo = world["cameo"]
    _faces("cameo", cameo.id)
    _faces("generation", world["draft"].id)
    _faces("post", world["public"].id)
    minted = {
        (kind, caller): _minted(world, caller, kind)
        for kind in MEMBER_FILES
        for caller in ("owner", "follower", "other")
    }
    urls = [u for u in minted.values() if u] + [world["upload_url"]]
    assert len(urls) == 6 + 4 + 2 + 1
    assert all(_fetch(u) == 200 for u in urls)
    biometric = [cameo.recording.name, cameo.reference_image.name]
    assert all(storages["biometric"].exists(n) for n in biometric)

    with django_capture_on_commit_callbacks(execute=True):
        res = _delete_me(owner)
    assert res.status_code == 204, res.content

    assert [u for u in urls if _fetch(u) != 404] == []
    assert not any(storages["biometric"].exists(n) for n in biometric)
    assert _face_count("cameo", cameo.id) == 0
    assert _face_count("generation", world["draft"].id) == 0
    assert _face_count("post", world["public"].id) == 0
    from cameos.models import Cameo
    from generation.models import ImageUpload

    assert not Cameo.objects.filter(owner_id=owner.id).exists()
    assert not ImageUpload.objects.filter(user_id=owner.id).exists()
    for caller in ("follower", "other"):
        client = _client(world["users"][caller])
        for post in (world["public"], world["followers"]):
            assert client.get(f"/api/v1/posts/{post.id}").status_code == 404


def test_deleted_member_cannot_sign_in_and_row_is_a_scrubbed_tombstone():
    """The username no longer signs in, personal fields are blank, the member's unused invite codes
    are void, follows are gone, the tree link stays, and an audit row records the deletion."""
    inviter = UserFactory()
    user = UserFactory(inviter=inviter, email="me@example.com", bio="hello", display_name="Me")
    other = UserFactory()
    Follow.objects.create(follower=user, followee=other)
    Follow.objects.create(follower=other, followee=user)
    InviteCode.objects.create(code="DELETEME0001", owner=user)
    name = user.username

    assert _delete_me(user).status_code == 204

    res = APIClient().post("/api/v1/auth/token", {"username": name, "password": PASSWORD}, format="json")
    assert res.status_code == 401
    row = User.objects.get(pk=user.pk)
    assert row.username == f"deleted-{user.pk}"
    assert (row.email, row.bio, row.display_name, row.birthdate) == ("", "", "", None)
    assert not row.is_active
    assert not row.has_usable_password()
    assert row.deleted_at is not None
    assert row.inviter_id == inviter.pk
    assert not InviteCode.objects.filter(owner=user, state=InviteCode.State.AVAILABLE).exists()
    assert not Follow.objects.filter(follower=user).exists()
    assert not Follow.objects.filter(followee=user).exists()
    action = AccountAction.objects.get(kind="account_delete", target=user)
    assert action.actor_id == user.pk
    # The old name is free for someone else.
    assert UserFactory(username=name).username == name


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"password": "not-my-password"}, "wrong_password"),
        ({}, "validation_error"),
        ({"password": ""}, "validation_error"),
    ],
)
def test_wrong_or_missing_password_refuses_and_changes_nothing(body, code):
    """A wrong or missing password answers 400 with a clear code; the account and its posts stay."""
    from feed import services as feed

    user = UserFactory()
    post = feed.post_publish(author=user, generation_id=_job(user, "keep").id, visibility="public")
    res = _delete_me(user, body)
    assert res.status_code == 400, res.content
    assert res.json()["error"]["code"] == code
    user.refresh_from_db()
    assert user.is_active
    assert user.deleted_at is None
    assert user.check_password(PASSWORD)
    assert _client(UserFactory()).get(f"/api/v1/posts/{post.id}").status_code == 200
    assert _client(user).get("/api/v1/me").status_code == 200


def test_deleting_requires_sign_in():
    """Anonymous callers cannot delete anything."""
    assert APIClient().delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 401


def test_counters_and_remix_labels_follow_the_deletion():
    """Likes and comments of the deleted member leave others' counters; others' remixes of their
    posts stay, labelled without the member's name; their posts leave the profile listing."""
    from feed import services as feed
    from feed.models import Post

    member, other = UserFactory(), UserFactory()
    theirs = feed.post_publish(author=other, generation_id=_job(other, "o").id, visibility="public")
    feed.like_add(user=member, post_id=theirs.id)
    feed.comment_create(user=member, post_id=theirs.id, text="nice")
    feed.comment_create(user=other, post_id=theirs.id, text="thanks")
    mine = feed.post_publish(author=member, generation_id=_job(member, "m").id, visibility="public")
    remix_job = _job(other, "r")
    remix_job.remix_of_post_id = mine.id
    remix_job.save(update_fields=["remix_of_post_id"])
    remix = feed.post_publish(author=other, generation_id=remix_job.id, visibility="public")
    viewer = _client(UserFactory())
    label = viewer.get(f"/api/v1/posts/{remix.id}").json()["remix_of"]
    assert label["author"]["username"] == member.username

    assert _delete_me(member).status_code == 204

    counts = Post.objects.values("like_count", "comment_count").get(pk=theirs.pk)
    assert counts == {"like_count": 0, "comment_count": 1}
    body = viewer.get(f"/api/v1/posts/{remix.id}").json()
    assert body["remix_of"]["author"] is None
    assert member.username not in str(body)
    assert f"deleted-{member.pk}" not in str(body)
    assert body["remix_of"]["post_id"] is None
    assert viewer.get(f"/api/v1/posts/{mine.id}").status_code == 404
    listing = viewer.get(f"/api/v1/users/{member.id}/posts")
    assert listing.status_code in (200, 404), listing.content
    assert str(mine.id) not in listing.content.decode()


def test_unfinished_generations_are_cancelled():
    """Queued and running generations of the deleted member end cancelled."""
    from generation.models import GenerationJob
    from tests.generation.factories import GenerationJobFactory

    member = UserFactory()
    queued = GenerationJobFactory(user=member, state="waiting_for_gpu", mode="text")
    running = GenerationJobFactory(user=member, state="rendering", mode="text")
    assert _delete_me(member).status_code == 204
    states = set(GenerationJob.objects.filter(pk__in=[queued.pk, running.pk]).values_list("state", flat=True))
    assert states == {"cancelled"}


def _delete_with_posts(n: int) -> int:
    from feed import services as feed

    member, other = UserFactory(), UserFactory()
    theirs = feed.post_publish(author=other, generation_id=_job(other, "t").id, visibility="public")
    feed.like_add(user=member, post_id=theirs.id)
    feed.comment_create(user=member, post_id=theirs.id, text="hi")
    for i in range(n):
        feed.post_publish(author=member, generation_id=_job(member, f"p{i}").id, visibility="public")
    client = _client(member)
    with CaptureQueriesContext(connection) as ctx:
        assert client.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 204
    return len(ctx.captured_queries)


def test_deletion_costs_the_same_queries_for_few_or_many_posts():
    """Set-based: deleting a member with 12 posts issues as many queries as with 2."""
    assert _delete_with_posts(2) == _delete_with_posts(12)


def test_files_are_deleted_before_commit():
    """The member's post and draft files are gone from storage inside the deleting transaction."""
    from feed import services as feed

    member = UserFactory()
    job = _job(member, "x")
    post = feed.post_publish(author=member, generation_id=job.id, visibility="public")
    post.refresh_from_db()
    names = [job.video, job.poster, post.video, post.poster]
    assert all(default_storage.exists(n) for n in names)
    from sora_social.accounts.services import account_delete

    account_delete(user=member, actor=member, reason="test")
    assert not any(default_storage.exists(n) for n in names)


def test_grants_and_requests_of_the_deleted_member_end(django_capture_on_commit_callbacks):
    """The member's grants and pending requests on others' cameos end; their own cameo, with
    the grants it gave, is deleted."""
    from cameos.models import Cameo, CameoAccess, CameoRequest

    member, friend, fan = UserFactory(), UserFactory(), UserFactory()
    friends = Cameo.objects.create(owner=friend, state="verified")
    mine = Cameo.objects.create(owner=member, state="verified")
    CameoAccess.objects.create(cameo=friends, user=member, state="granted")
    CameoRequest.objects.create(cameo=friends, requester=member)
    CameoAccess.objects.create(cameo=mine, user=fan, state="granted")
    with django_capture_on_commit_callbacks(execute=True):
        assert _delete_me(member).status_code == 204
    assert not CameoAccess.objects.filter(user=member).exists()
    assert not CameoRequest.objects.filter(requester=member).exists()
    assert not Cameo.objects.filter(pk=mine.pk).exists()
    assert not CameoAccess.objects.filter(user=fan).exists()
    assert Cameo.objects.filter(pk=friends.pk).exists()
