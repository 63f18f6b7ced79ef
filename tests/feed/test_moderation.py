"""Moderation acts on posts and comments through content_actioned; posts and comments are subjects."""

from __future__ import annotations

import pytest

from feed import services
from feed.models import Comment, Post
from feed.states import PostState
from moderation import signals as m
from moderation.registry import SubjectRef
from tests.accounts.factories import UserFactory
from tests.feed.factories import chain, publish

pytestmark = pytest.mark.django_db


def _act(kind, object_id, action):
    m.content_actioned.send(
        sender=None, kind=kind, object_id=object_id, action=action, case_id=1, reason="test"
    )


def test_remove_hides_inheriting_remixes_and_restore_brings_them_back():
    """remove → removed_by_moderation with remixes hidden pending review; restore undoes both."""
    posts = chain(3)
    _act("post", posts[1].id, m.REMOVE)
    states = dict(Post.objects.values_list("id", "state"))
    assert [states[p.id] for p in posts] == [
        PostState.PUBLISHED,
        PostState.REMOVED_BY_MODERATION,
        PostState.HIDDEN_PENDING_REVIEW,
    ]
    _act("post", posts[1].id, m.REMOVE)  # idempotent
    _act("post", posts[1].id, m.RESTORE)
    assert set(Post.objects.values_list("state", flat=True)) == {PostState.PUBLISHED}


def test_age_restrict_and_comment_removal():
    """age_restrict rates a post mature; removing a comment hides it and lowers the count."""
    post = publish()
    _act("post", post.id, m.AGE_RESTRICT)
    comment = services.comment_create(user=UserFactory(), post_id=post.id, text="hey")
    _act("comment", comment.id, m.REMOVE)
    post.refresh_from_db()
    assert post.rating == "mature"
    assert post.comment_count == 0
    assert Comment.objects.get(pk=comment.id).state == Comment.State.REMOVED_BY_MODERATION


def test_posts_and_comments_are_registered_subjects():
    """The moderation registry renders posts (with lineage) and comments."""
    from moderation import registry

    posts = chain(2)
    adapter = registry._ADAPTERS["post"]
    assert adapter.exists(posts[1].id)
    assert adapter.owner_id(posts[1].id) == posts[1].author_id
    assert [v.owner_id for v in adapter.lineage(posts[1].id)] == [posts[0].author_id]
    comment = services.comment_create(user=UserFactory(), post_id=posts[0].id, text="nice")
    assert registry._ADAPTERS["comment"].render(comment.id).text == "nice"
    assert str(SubjectRef("post", posts[0].id)).startswith("post:")
