"""Likes, comments and views: blocks respected, views once per viewer per day, counters right under concurrency."""

from __future__ import annotations

import pytest

from feed import selectors, services
from feed.models import Like, Post, View
from sora_social.accounts.viewer import Viewer
from tests.accounts.factories import UserFactory
from tests.concurrency import run_at_once
from tests.feed.factories import publish


@pytest.mark.django_db
def test_like_unlike_counts_once(client_for):
    """Liking twice counts once; unliking brings the count back."""
    post = publish()
    client = client_for(UserFactory())
    assert client.post(f"/api/v1/posts/{post.id}/like").json() == {"liked": True, "likes": 1}
    assert client.post(f"/api/v1/posts/{post.id}/like").json() == {"liked": True, "likes": 1}
    assert client.delete(f"/api/v1/posts/{post.id}/like").json() == {"liked": False, "likes": 0}
    assert client.delete(f"/api/v1/posts/{post.id}/like").json() == {"liked": False, "likes": 0}


@pytest.mark.django_db
def test_views_deduplicated_per_viewer_per_day(client_for):
    """Two impressions by one viewer on one day count once; another viewer counts."""
    post = publish()
    a, b = client_for(UserFactory()), client_for(UserFactory())
    assert a.post(f"/api/v1/posts/{post.id}/views").json() == {"counted": True}
    assert a.post(f"/api/v1/posts/{post.id}/views").json() == {"counted": False}
    b.post(f"/api/v1/posts/{post.id}/views")
    assert Post.objects.get(pk=post.id).view_count == 2


@pytest.mark.django_db
def test_comments_respect_blocks(client_for):
    """A blocked member cannot comment (404); comments by people blocked with the viewer are not listed."""
    from sora_social.accounts.models import Block

    author, troll, reader = UserFactory(), UserFactory(), UserFactory()
    post = publish(author)
    assert (
        client_for(troll).post(f"/api/v1/posts/{post.id}/comments", {"text": "hi"}, format="json").status_code
        == 201
    )
    Block.objects.create(blocker=reader, blocked=troll)
    assert client_for(reader).get(f"/api/v1/posts/{post.id}/comments").json()["results"] == []
    assert len(client_for(author).get(f"/api/v1/posts/{post.id}/comments").json()["results"]) == 1
    Block.objects.create(blocker=author, blocked=troll)
    res = client_for(troll).post(f"/api/v1/posts/{post.id}/comments", {"text": "again"}, format="json")
    assert res.status_code == 404
    assert Post.objects.get(pk=post.id).comment_count == 1


@pytest.mark.django_db
def test_empty_comment_is_refused():
    """Whitespace-only comments are a 400 comment_empty and change no count."""
    from sora_social.common.errors import ValidationFailed

    post = publish()
    with pytest.raises(ValidationFailed):
        services.comment_create(user=UserFactory(), post_id=post.id, text="   ")
    assert Post.objects.get(pk=post.id).comment_count == 0


@pytest.mark.django_db(transaction=True)
def test_counters_right_under_concurrent_likes_and_views():
    """20 members liking and viewing at once (each twice) leave likes=20 and views=20."""
    post = publish()
    users = [UserFactory() for _ in range(20)] * 2
    errors = []

    def act(i):
        try:
            services.like_add(user=users[i], post_id=post.id)
            services.view_record(user=users[i], post_id=post.id)
        except Exception as exc:
            errors.append(exc)

    run_at_once(act, len(users))
    assert not errors, errors
    post.refresh_from_db()
    assert (post.like_count, post.view_count) == (20, 20)
    assert Like.objects.filter(post=post).count() == 20
    assert View.objects.filter(post=post).count() == 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_of_one_generation_makes_one_post():
    """Eight concurrent publishes of the same generation: one post, the rest already_published."""
    from tests.feed.factories import ready_job

    user = UserFactory()
    job = ready_job(user)
    outcomes = []

    def go(_):
        try:
            services.post_publish(author=user, generation_id=job.id)
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(getattr(exc, "code", repr(exc)))

    run_at_once(go, 8)
    assert sorted(outcomes) == ["already_published"] * 7 + ["ok"]
    assert Post.objects.filter(generation_id=job.id).count() == 1


@pytest.mark.django_db
def test_creation_after_a_view_credits_the_viewed_post():
    """Publishing within the window after viewing a post counts as a creation it inspired."""
    seen = publish()
    viewer = UserFactory()
    services.view_record(user=viewer, post_id=seen.id)
    publish(viewer)
    assert Post.objects.get(pk=seen.id).inspired_count == 1


@pytest.mark.django_db
def test_liked_flag_and_counts_in_post_dicts():
    """The viewer's own like shows as liked in the post dict."""
    post = publish()
    user = UserFactory()
    services.like_add(user=user, post_id=post.id)
    body = selectors.post_detail(viewer=Viewer.of(user), post_id=post.id)
    assert body["liked"] is True
    assert body["counts"]["likes"] == 1
