"""Where a post's files live (rule 10): `posts_media_place`, called on every state or visibility change."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count

from feed.models import Post
from feed.states import PostState, Visibility
from generation.selectors import job_media_names
from sora_social.common import storage as media

# States a moderator can still bring back to published.
_RESTORABLE = frozenset({PostState.REMOVED_BY_MODERATION, PostState.HIDDEN_PENDING_REVIEW})


def _shared_names(posts: list[Post], names: list[str]) -> set[str]:
    """Of `names`, those another post or the posts' generations (the authors' drafts) also use."""
    shared = {
        r["video"]
        for r in Post.objects.filter(video__in=names).values("video").annotate(n=Count("id"))
        if r["n"] > 1
    } | {
        r["poster"]
        for r in Post.objects.filter(poster__in=names).values("poster").annotate(n=Count("id"))
        if r["n"] > 1
    }
    return shared | job_media_names(job_ids=[p.generation_id for p in posts if p.generation_id])


def _where(name: str) -> str:
    if media.is_public(name):
        return media.PUBLIC
    return media.QUARANTINE if name.startswith(media.QUARANTINE) else media.PRIVATE


def _place(post: Post, name: str, shared: set[str]) -> str:
    """The name `name` has once put where `post`'s state and visibility allow ("" once deleted)."""
    if not name:
        return name
    if post.state == PostState.PUBLISHED:
        to: str | None = media.PUBLIC if post.visibility == Visibility.PUBLIC else media.PRIVATE
    elif post.state in _RESTORABLE:
        to = media.QUARANTINE
    else:
        to = None
    owned = name not in shared
    if to is None:
        if owned:
            default_storage.delete(name)
        return ""
    if owned and _where(name) == to:
        return name
    return str((media.move if owned else media.copy)(default_storage, name, to))


@transaction.atomic
def posts_media_place(*, post_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Put each post's video and poster where its state and visibility allow; call it, in the
    same transaction, after any change to either. Returns {id: (video, poster)} of the posts
    whose names changed.

    A post has its own copy of its generation's files (the generation keeps the
    original as the author's draft), under fresh random names:

    - published and public: `public/…`, fetched without authorization;
    - published, not public: `private/…`, reached only by signed URLs;
    - removed by moderation or hidden pending review: `quarantine/…`, never
      given to members (a restore moves it back under a fresh name);
    - removed for good (by its author, by a likeness owner): deleted.

    Every change moves or deletes the object before the change commits, so any
    URL minted before (public, signed or presigned) names a key that no longer
    exists once anyone can see the change; a rollback can at worst cost the post
    its files, never expose them. Files a post shares (its generation's draft,
    demo posts' common video) are copied, never moved or deleted.
    """
    if not post_ids:
        return {}
    posts = list(
        Post.objects.select_for_update()
        .filter(pk__in=post_ids)
        .only("id", "state", "visibility", "video", "poster", "generation_id")
        .order_by("id")
    )
    names = [n for p in posts for n in (p.video, p.poster) if n]
    if not names:
        return {}
    shared = _shared_names(posts, names)
    changed = []
    for post in posts:
        video, poster = _place(post, post.video, shared), _place(post, post.poster, shared)
        if (video, poster) != (post.video, post.poster):
            post.video, post.poster = video, poster
            changed.append(post)
    if changed:
        Post.objects.bulk_update(changed, ["video", "poster"])
    return {p.id: (p.video, p.poster) for p in changed}
