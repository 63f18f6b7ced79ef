"""How decisions made in lower apps reach posts: receivers of their domain signals.

Connected in `FeedConfig.ready()`. Each receiver is set-based (a fixed number
of statements whatever the number of ids) and idempotent, and runs inside the
sender's transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from cameos.services import appearances_remove_objects
from feed import services
from feed.models import Comment, Post
from feed.states import PostState, Rating
from feed.store import get_store
from generation import selectors as generation_selectors
from moderation import signals as m


def on_cameo_access_revoked(sender: Any, cameo_id: int, user_id: int, **_: Any) -> None:
    """The user's finished, unpublished generations casting the cameo can no longer be published."""
    _block_drafts("g.user_id = %s AND g.cameo_ids @> ARRAY[%s]::bigint[]", [user_id, cameo_id], cameo_id)


def on_cameo_deleted(sender: Any, cameo_id: int, **_: Any) -> None:
    """Nobody's unpublished generation with the deleted cameo can be published."""
    _block_drafts("g.cameo_ids @> ARRAY[%s]::bigint[]", [cameo_id], cameo_id)


def _block_drafts(where: str, params: list[Any], cameo_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO feed_unpublishable_draft (job_id, cameo_id, created_at)"  # noqa: S608
            f" SELECT g.id, %s, now() FROM {generation_selectors.sql_tables()['job']} g WHERE {where}"
            " AND NOT EXISTS (SELECT 1 FROM feed_post p WHERE p.generation_id = g.id)"
            " ON CONFLICT (job_id) DO NOTHING",
            [cameo_id, *params],
        )


def on_appearance_removed(sender: Any, cameo_id: int, kind: str, object_ids: list[int], **_: Any) -> None:
    """The likeness owner took these videos down: the posts (and drafts) go for everyone,
    with every remix descendant carrying the likeness; the descendants are reported back."""
    ids = list(object_ids)
    if kind == "generation":
        # Unpublished drafts: never publishable; published ones: their posts go too.
        _block_drafts("g.id = ANY(%s)", [ids], cameo_id)
        post_ids = list(Post.objects.filter(generation_id__in=ids).values_list("id", flat=True))
    elif kind == "post":
        post_ids = ids
    else:
        return
    moved = services.posts_remove(
        post_ids=post_ids, to=PostState.REMOVED_BY_LIKENESS_OWNER, cameo_id=cameo_id
    )
    # For posts, cameos already marked the named ones; for generations, their posts are news too.
    also = moved["descendants"] if kind == "post" else moved["removed"] + moved["descendants"]
    if also:
        appearances_remove_objects(cameo_id=cameo_id, kind="post", object_ids=also)


def on_user_blocked(sender: Any, blocker_id: int, blocked_id: int, **_: Any) -> None:
    """Take each one's posts out of the other's materialised feeds (reads filter blocks too)."""

    def drop() -> None:
        store = get_store()
        for viewer, author in ((blocker_id, blocked_id), (blocked_id, blocker_id)):
            recent = list(
                Post.objects.filter(author_id=author).order_by("-id").values_list("id", flat=True)[:1000]
            )
            store.following_drop(viewer, recent)
            store.for_you_drop(viewer, recent)

    transaction.on_commit(drop)


def on_content_actioned(
    sender: Any, kind: str, object_id: int, action: str, case_id: Any = None, reason: str = "", **_: Any
) -> None:
    """Moderation acted on a post or comment: remove (remixes hidden pending review), restore,
    hide pending review, or age-restrict (mature: never shown to teens)."""
    if kind == "post":
        if action == m.REMOVE:
            services.posts_remove(post_ids=[object_id], to=PostState.REMOVED_BY_MODERATION)
        elif action == m.RESTORE:
            services.post_restore(post_id=object_id)
            # A post hidden pending review (not removed) comes back too.
            services.post_unhide(post_id=object_id)
        elif action == m.HIDE:
            services.post_hide(post_id=object_id)
        elif action == m.AGE_RESTRICT:
            Post.objects.filter(pk=object_id).update(rating=Rating.MATURE)
    elif kind == "comment":
        if action in (m.REMOVE, m.HIDE):
            services.comment_set_state(comment_id=object_id, state=Comment.State.REMOVED_BY_MODERATION)
        elif action == m.RESTORE:
            services.comment_set_state(comment_id=object_id, state=Comment.State.VISIBLE)


def on_account_deleted(sender: Any, user_id: int, **_: Any) -> None:
    """The member's posts go for everyone (files deleted), with their likes, comments and views
    and the counters those keep; feed reads already skip removed posts."""
    services.posts_remove_for_account(user_id=user_id)
