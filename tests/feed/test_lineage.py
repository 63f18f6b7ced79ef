"""Remix lineage: parent/root/depth/path, labels, lineage and remixes queries, removal of a chain's middle."""

from __future__ import annotations

import pytest

from feed import presenters, selectors, services
from feed.models import Post
from feed.states import PostState
from sora_social.accounts.viewer import Viewer
from tests.accounts.factories import UserFactory
from tests.feed.factories import chain, publish

pytestmark = pytest.mark.django_db


def _lineage(*, viewer, post_id):
    """The lineage body as the view builds it: selector, budgeted serve, presenter."""
    post, ancestors, pager = selectors.lineage(viewer=viewer, post_id=post_id)
    served = services.page_serve(viewer=viewer, limit=len(ancestors), pager=pager) if ancestors else None
    return presenters.lineage_out(post, served)


def _remixes(*, viewer, post_id, cursor, limit):
    """A remixes page as the view builds it: selector, budgeted serve, presenter."""
    post, pager = selectors.remixes(viewer=viewer, post_id=post_id, cursor=cursor)
    return presenters.remixes_out(post, services.page_serve(viewer=viewer, limit=limit, pager=pager))


def test_remix_records_parent_root_depth_and_counts():
    """A remix chain stores parent, root, depth and path; ancestors' counts include every descendant."""
    posts = chain(3)
    root, mid, leaf = posts
    assert (leaf.parent_id, leaf.root_id, leaf.depth) == (mid.id, root.id, 2)
    assert leaf.path.startswith(mid.path)
    assert mid.path.startswith(root.path)
    assert (root.descendant_count, root.remix_count) == (2, 1)
    assert (mid.descendant_count, mid.remix_count) == (1, 1)


def test_remix_of_label_names_the_parents_author(client_for):
    """Every post answers remix_of with the parent's author for the label."""
    root, remix = chain(2)
    body = client_for(UserFactory()).get(f"/api/v1/posts/{remix.id}").json()
    assert body["remix_of"]["post_id"] == str(root.id)
    assert body["remix_of"]["label"] == f"Remix of @{root.author.username}"
    original = client_for(UserFactory()).get(f"/api/v1/posts/{root.id}").json()
    assert original["remix_of"] is None


def test_lineage_and_remixes_are_one_query_each(client_for, django_assert_num_queries):
    """lineage (root first) and a remixes page each cost one query past auth and the post itself."""
    posts = chain(5)
    viewer = UserFactory()
    v = Viewer.of(viewer)
    with django_assert_num_queries(2):
        body = _lineage(viewer=v, post_id=posts[4].id)
    assert [item["id"] for item in body["results"]] == [str(p.id) for p in posts[:4]]
    with django_assert_num_queries(2):
        page = _remixes(viewer=v, post_id=posts[0].id, cursor=None, limit=2)
    assert [item["id"] for item in page["results"]] == [str(posts[1].id), str(posts[2].id)]
    rest = _remixes(viewer=v, post_id=posts[0].id, cursor=page["next"], limit=10)
    assert [item["id"] for item in rest["results"]] == [str(posts[3].id), str(posts[4].id)]
    assert rest["next"] is None


def test_depth5_chain_middle_removed_by_moderation_hides_descendants():
    """Removing the middle of a depth-5 chain hides its descendants pending review in one update; ancestors stay."""
    posts = chain(5)
    moved = services.posts_remove(post_ids=[posts[2].id], to=PostState.REMOVED_BY_MODERATION)
    assert moved == {"removed": [posts[2].id], "descendants": [posts[3].id, posts[4].id]}
    states = dict(Post.objects.values_list("id", "state"))
    assert [states[p.id] for p in posts] == [
        PostState.PUBLISHED,
        PostState.PUBLISHED,
        PostState.REMOVED_BY_MODERATION,
        PostState.HIDDEN_PENDING_REVIEW,
        PostState.HIDDEN_PENDING_REVIEW,
    ]
    assert Post.objects.get(pk=posts[4].id).hidden_by_id == posts[2].id
    # Counts: the root now has one visible descendant, the middle's parent none below it.
    assert Post.objects.get(pk=posts[0].id).descendant_count == 1
    assert Post.objects.get(pk=posts[1].id).descendant_count == 0
    viewer = Viewer.of(UserFactory())
    page = _remixes(viewer=viewer, post_id=posts[0].id, cursor=None, limit=10)
    assert [item["id"] for item in page["results"]] == [str(posts[1].id)]
    # The hidden leaf is invisible to others; its own author still sees it.
    with pytest.raises(Exception, match="No such post"):
        _lineage(viewer=viewer, post_id=posts[4].id)
    own = _lineage(viewer=Viewer.of(posts[4].author), post_id=posts[4].id)
    assert [item["id"] for item in own["results"]] == [str(posts[0].id), str(posts[1].id)]


def test_restore_brings_back_the_remixes_the_removal_hid():
    """Restoring a moderated post restores it and the descendants its removal hid; counts come back."""
    posts = chain(5)
    services.posts_remove(post_ids=[posts[2].id], to=PostState.REMOVED_BY_MODERATION)
    restored = services.post_restore(post_id=posts[2].id)
    assert sorted(restored["restored"]) == sorted(p.id for p in posts[2:])
    assert set(Post.objects.values_list("state", flat=True)) == {PostState.PUBLISHED}
    assert Post.objects.get(pk=posts[0].id).descendant_count == 4


def test_author_delete_keeps_remixes_and_leaves_lineage_gap(client_for):
    """An author deleting the middle removes only that post; lineage of the leaf leaves it out."""
    posts = chain(3)
    assert client_for(posts[1].author).delete(f"/api/v1/posts/{posts[1].id}").status_code == 204
    assert Post.objects.get(pk=posts[2].id).state == PostState.PUBLISHED
    body = client_for(UserFactory()).get(f"/api/v1/posts/{posts[2].id}/lineage").json()
    assert [item["id"] for item in body["results"]] == [str(posts[0].id)]
    leaf = client_for(UserFactory()).get(f"/api/v1/posts/{posts[2].id}").json()
    assert leaf["remix_of"]["post_id"] is None
    assert leaf["remix_of"]["label"].startswith("Remix of @")


def test_remix_published_under_a_moderated_parent_is_hidden():
    """A remix of a post removed for a policy violation publishes hidden pending review."""
    root = publish()
    job_parent = root
    services.posts_remove(post_ids=[root.id], to=PostState.REMOVED_BY_MODERATION)
    remix = publish(remix_of=job_parent)
    assert remix.state == PostState.HIDDEN_PENDING_REVIEW
    assert remix.hidden_by_id == root.id


def test_remix_source_resolver_requires_visibility_and_allow_remix():
    """generation's remix source: invisible posts are not found, allow_remix=false is refused."""
    from generation.remix import resolve_source
    from sora_social.common.errors import Forbidden, NotFound

    stranger = UserFactory()
    private = publish(visibility="private")
    closed = publish(allow_remix=False)
    with pytest.raises(NotFound):
        resolve_source(post_id=private.id, user=stranger)
    with pytest.raises(Forbidden):
        resolve_source(post_id=closed.id, user=stranger)
    open_post = publish()
    assert resolve_source(post_id=open_post.id, user=stranger).post_id == open_post.id
    services.posts_remove(post_ids=[open_post.id], to=PostState.REMOVED_BY_MODERATION)
    with pytest.raises(NotFound):
        resolve_source(post_id=open_post.id, user=stranger)
