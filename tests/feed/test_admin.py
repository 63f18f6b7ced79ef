"""Post removal and restore from the admin: each its own permission, a reason first, an audit row."""

from __future__ import annotations

import pytest

from feed.models import Post
from feed.states import PostState
from moderation.models import AuditEvent
from tests.accounts.factories import staff_with
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feed/post/"


def _as(client, *perms):
    staff = staff_with("feed.view_post", *perms)
    client.force_login(staff)
    return staff


def test_remove_asks_for_a_reason_then_removes_and_audits(client):
    """The remove action opens a reason page; applying with a reason removes and writes the audit row."""
    staff = _as(client, "feed.remove_post")
    post = publish()
    remix = publish(remix_of=post)
    picked = {"action": "remove_by_moderation", "_selected_action": [post.pk]}
    page = client.post(CHANGELIST, picked)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED

    done = client.post(CHANGELIST, {**picked, "apply": "1", "reason": "graphic violence"})
    assert done.status_code == 302
    assert Post.objects.get(pk=post.pk).state == PostState.REMOVED_BY_MODERATION
    assert Post.objects.get(pk=remix.pk).state == PostState.HIDDEN_PENDING_REVIEW
    event = AuditEvent.objects.get(event="staff.post_remove")
    assert (event.actor_id, event.subject_kind, event.subject_id) == (staff.pk, "post", post.pk)
    assert event.reason == "graphic violence"
    assert event.data["hidden_remixes"] == [str(remix.pk)]
    assert event.created_at is not None


def test_remove_without_a_reason_does_nothing_and_says_why(client):
    """Applying with a blank reason changes nothing, writes no audit row, and says a reason is needed."""
    _as(client, "feed.remove_post")
    post = publish()
    response = client.post(
        CHANGELIST,
        {"action": "remove_by_moderation", "_selected_action": [post.pk], "apply": "1", "reason": "   "},
        follow=True,
    )
    assert "Give a reason" in response.content.decode()
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
    assert not AuditEvent.objects.filter(event__startswith="staff.").exists()


def test_staff_without_remove_post_cannot_remove(client):
    """Staff who may view posts but lack `remove_post` neither see nor can run the removal."""
    _as(client)
    post = publish()
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert "remove_by_moderation" not in listing.content.decode()
    client.post(
        CHANGELIST,
        {"action": "remove_by_moderation", "_selected_action": [post.pk], "apply": "1", "reason": "because"},
    )
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
    assert not AuditEvent.objects.exists()


def test_restore_needs_its_own_permission(client):
    """`remove_post` does not grant restore; `restore_post` restores with a reason and audits."""
    post = publish()
    client.force_login(staff_with("feed.view_post", "feed.remove_post", username="remover"))
    client.post(
        CHANGELIST,
        {"action": "remove_by_moderation", "_selected_action": [post.pk], "apply": "1", "reason": "spam"},
    )
    restore = {"action": "restore", "_selected_action": [post.pk], "apply": "1", "reason": "appeal upheld"}
    client.post(CHANGELIST, restore)
    assert Post.objects.get(pk=post.pk).state == PostState.REMOVED_BY_MODERATION

    restorer = staff_with("feed.view_post", "feed.restore_post", username="restorer")
    client.force_login(restorer)
    client.post(CHANGELIST, restore)
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
    event = AuditEvent.objects.get(event="staff.post_restore")
    assert (event.actor_id, event.subject_id, event.reason) == (restorer.pk, post.pk, "appeal upheld")
