"""Publishing and reading posts: owner only, once, visibility, audience, consent at publish, bad input."""

from __future__ import annotations

import pytest

from feed.models import Post, PostAudience
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish, ready_job
from tests.generation.factories import GenerationJobFactory

pytestmark = pytest.mark.django_db


def test_publish_a_finished_generation(client_for):
    """The owner publishes a ready generation: 201 with the post, counts at zero."""
    user = UserFactory()
    job = ready_job(user, style="Animation")
    res = client_for(user).post(
        "/api/v1/posts",
        {"generation_id": str(job.id), "caption": "hello #boats", "allow_remix": False},
        format="json",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["caption"] == "hello #boats"
    assert body["allow_remix"] is False
    assert body["topic"] == "animation"
    assert body["visibility"] == "public"
    assert body["counts"] == {"likes": 0, "comments": 0, "views": 0, "remixes": 0, "descendants": 0}
    # A public post's video is a copy under a fresh random public name, never the draft's.
    assert body["video_url"].startswith("/media/public/")
    assert body["video_url"].endswith(".mp4")
    assert str(job.id) not in body["video_url"]
    assert "?" not in body["video_url"]


def test_only_the_owner_publishes_and_only_once(client_for):
    """Someone else's generation is 404; a second publish is 409 already_published."""
    owner = UserFactory()
    job = ready_job(owner)
    other = client_for(UserFactory()).post("/api/v1/posts", {"generation_id": str(job.id)}, format="json")
    assert other.status_code == 404
    assert (
        client_for(owner).post("/api/v1/posts", {"generation_id": str(job.id)}, format="json").status_code
        == 201
    )
    again = client_for(owner).post("/api/v1/posts", {"generation_id": str(job.id)}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_published"
    assert Post.objects.count() == 1


def test_unfinished_generation_cannot_be_published(client_for):
    """A generation still rendering is 409 generation_not_ready."""
    user = UserFactory()
    job = GenerationJobFactory(user=user, state="rendering")
    res = client_for(user).post("/api/v1/posts", {"generation_id": str(job.id)}, format="json")
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "generation_not_ready"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"visibility": "chosen"}, "audience_required"),
        ({"visibility": "public", "audience": ["1"]}, "audience_not_allowed"),
        ({"visibility": "chosen", "audience": ["999"]}, "audience_unknown_users"),
        ({"visibility": "chosen", "audience": ["nope"]}, "audience_unknown_users"),
        ({"visibility": "everyone"}, "validation_error"),
        ({"generation_id": "xyz"}, "generation_not_found"),
    ],
)
def test_bad_publish_input_is_a_clear_4xx_and_changes_nothing(client_for, payload, code):
    """Malformed audience/visibility/ids: 4xx with a specific code, no post, no audience rows."""
    user = UserFactory()
    job = ready_job(user)
    res = client_for(user).post("/api/v1/posts", {"generation_id": str(job.id), **payload}, format="json")
    assert 400 <= res.status_code < 500
    assert res.json()["error"]["code"] == code
    assert Post.objects.count() == 0
    assert PostAudience.objects.count() == 0


def test_visibility_public_followers_chosen_private(client_for):
    """Each visibility reaches exactly its audience; others get 404."""
    from sora_social.accounts.models import Follow

    author, follower, chosen, stranger = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    Follow.objects.create(follower=follower, followee=author)
    posts = {
        "public": publish(author),
        "followers": publish(author, visibility="followers"),
        "chosen": publish(author, visibility="chosen", audience=[str(chosen.id)]),
        "private": publish(author, visibility="private"),
    }
    can_see = {
        "public": {author, follower, chosen, stranger},
        "followers": {author, follower},
        "chosen": {author, chosen},
        "private": {author},
    }
    for name, post in posts.items():
        for viewer in (author, follower, chosen, stranger):
            status = client_for(viewer).get(f"/api/v1/posts/{post.id}").status_code
            assert status == (200 if viewer in can_see[name] else 404), (name, viewer)


def test_blocked_either_way_cannot_see_posts(client_for):
    """A block hides posts both ways (404), and the author's list too."""
    from sora_social.accounts.models import Block

    author, blocked = UserFactory(), UserFactory()
    post = publish(author)
    Block.objects.create(blocker=author, blocked=blocked)
    assert client_for(blocked).get(f"/api/v1/posts/{post.id}").status_code == 404
    assert client_for(blocked).get(f"/api/v1/users/{author.id}/posts").status_code == 404


def test_user_posts_list_constant_queries(client_for, django_assert_max_num_queries):
    """A member's post list costs the same number of queries for 1 and 50 posts."""
    viewer = UserFactory()
    counts = []
    for n in (1, 50):
        author = UserFactory()
        for _ in range(n):
            publish(author)
        client = client_for(viewer)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            res = client.get(f"/api/v1/users/{author.id}/posts", {"limit": 50})
        assert len(res.json()["results"]) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_removed_posts_are_404_and_gone_from_lists(client_for):
    """A post removed by moderation is 404 to everyone and absent from the author's list."""
    from feed import services
    from feed.states import PostState

    author = UserFactory()
    post = publish(author)
    services.posts_remove(post_ids=[post.id], to=PostState.REMOVED_BY_MODERATION)
    assert client_for(UserFactory()).get(f"/api/v1/posts/{post.id}").status_code == 404
    assert client_for(author).get(f"/api/v1/users/{author.id}/posts").json()["results"] == []
