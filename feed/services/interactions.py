"""Likes, comments and views of visible posts; the post's stored counters follow each one."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from feed.models import Comment, Post
from feed.selectors import post_get
from feed.services.mentions import mentions_refuse
from feed.services.notices import notify_comment, notify_like
from sora_social.accounts.models import User
from sora_social.accounts.selectors import mentioned_users, uncontactable_ids
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import Forbidden, ValidationFailed
from sora_social.common.ids import new_id


def _changed_a_row(sql: str, params: list[Any]) -> bool:
    """Run an INSERT/DELETE … RETURNING; True when it touched a row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def _like_count(post_id: int) -> int:
    return Post.objects.values_list("like_count", flat=True).get(pk=post_id)


@transaction.atomic
def like_add(*, user: User, post_id: object) -> int:
    """Like a visible post; liking twice counts once (the unique pair decides under concurrency).
    Returns the post's like count."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    if _changed_a_row(
        "INSERT INTO feed_like (id, post_id, user_id, created_at) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id",
        [new_id(), post.id, user.pk, timezone.now()],
    ):
        Post.objects.filter(pk=post.id).update(like_count=F("like_count") + 1)
        notify_like(post=post, actor_id=user.pk)
    return _like_count(post.id)


@transaction.atomic
def like_remove(*, user: User, post_id: object) -> int:
    """Take back a like (nothing when there was none). Returns the post's like count."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    if _changed_a_row(
        "DELETE FROM feed_like WHERE post_id = %s AND user_id = %s RETURNING id", [post.id, user.pk]
    ):
        Post.objects.filter(pk=post.id).update(like_count=F("like_count") - 1)
    return _like_count(post.id)


@transaction.atomic
def comment_create(*, user: User, post_id: object, text: str) -> Comment:
    """Comment on a visible post (blocked either way with the author: the post is 404)."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("A comment needs text.", code="comment_empty")
    if len(text) > 1000:
        raise ValidationFailed("Comments are at most 1000 characters.", code="comment_too_long")
    mentioned = mentioned_users(text=text)
    refused = uncontactable_ids(sender=user, recipient_ids={post.author_id, *mentioned})
    if post.author_id in refused:
        raise Forbidden("You cannot comment on this member's posts.", code="contact_not_allowed")
    mentions_refuse(mentioned, refused)
    comment = Comment.objects.create(post_id=post.id, author_id=user.pk, text=text)
    Post.objects.filter(pk=post.id).update(comment_count=F("comment_count") + 1)
    notify_comment(post=post, comment=comment)
    return comment


@transaction.atomic
def comment_set_state(*, comment_id: int, state: str) -> bool:
    """Hide or restore a comment (moderation); the post's count follows. True when it moved."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None or comment.state == state:
        return False
    visible_before = comment.state == Comment.State.VISIBLE
    Comment.objects.filter(pk=comment.pk).update(state=state)
    if visible_before != (state == Comment.State.VISIBLE):
        delta = 1 if state == Comment.State.VISIBLE else -1
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + delta)
    return True


@transaction.atomic
def view_record(*, user: User, post_id: object) -> bool:
    """An impression: counted once per viewer per post per day. True when this one counted."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    counted = _changed_a_row(
        "INSERT INTO feed_view (id, post_id, viewer_id, day, created_at) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (post_id, viewer_id, day) DO NOTHING RETURNING id",
        [new_id(), post.id, user.pk, timezone.localdate(), timezone.now()],
    )
    if counted:
        Post.objects.filter(pk=post.id).update(view_count=F("view_count") + 1)
    return counted
