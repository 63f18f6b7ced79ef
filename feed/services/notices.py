"""What the feed tells authors: likes, comments and remixes of their posts (kinds of the one notification system).

Called inside the interaction's transaction, so a like that rolls back
notifies nobody; the notification service groups them ("12 people liked
your post"), skips members notifying themselves and honours muted kinds.
"""

from __future__ import annotations

from feed.models import Comment, Post
from feed.selectors import visible_posts
from sora_social.accounts.selectors import user_load
from sora_social.accounts.services import notification_create
from sora_social.accounts.viewer import Viewer
from sora_social.notifications import kinds

# Enough of a comment to show in the list; the push carries none of it.
EXCERPT_CHARS = 140


def notify_like(*, post: Post, actor_id: int) -> None:
    notification_create(
        user_id=post.author_id,
        kind=kinds.LIKE,
        payload={"post_id": str(post.id)},
        actor_id=actor_id,
        target_type="post",
        target_id=post.id,
    )


def notify_comment(*, post: Post, comment: Comment) -> None:
    notification_create(
        user_id=post.author_id,
        kind=kinds.COMMENT,
        payload={
            "post_id": str(post.id),
            "comment_id": str(comment.id),
            "excerpt": comment.text[:EXCERPT_CHARS],
        },
        actor_id=comment.author_id,
        target_type="post",
        target_id=post.id,
    )


def notify_remix(*, remix: Post) -> None:
    """Tell the parent's author about a published remix, if they may see it (else they would hear of a
    post that answers them 404: followers-only, chosen people, or blocked)."""
    if remix.parent_id is None:
        return
    parent = Post.objects.filter(pk=remix.parent_id).only("id", "author_id").first()
    if parent is None or parent.author_id == remix.author_id:
        return
    author = user_load(user_id=parent.author_id)
    if author is None or not visible_posts(Viewer.of(author)).filter(pk=remix.id).exists():
        return
    notification_create(
        user_id=parent.author_id,
        kind=kinds.REMIX,
        payload={"post_id": str(parent.id), "remix_id": str(remix.id)},
        actor_id=remix.author_id,
        target_type="post",
        target_id=parent.id,
    )
