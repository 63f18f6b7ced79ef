"""Posts and comments as moderation subjects (adapters for `moderation.registry`)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import OuterRef, Q

from cameos.selectors import cameo_owners
from feed.models import Comment, Post, path_ids
from feed.selectors import visible_posts
from moderation.registry import RowSubject, SubjectView
from sora_social.accounts.models import User
from sora_social.accounts.selectors import block_exists
from sora_social.accounts.viewer import Viewer


def _post_view(post: Post) -> SubjectView:
    return SubjectView(
        title=f"Post by @{post.author.username}" + (f" (remix, depth {post.depth})" if post.depth else ""),
        owner_id=post.author_id,
        text="\n".join(filter(None, [post.caption, post.prompt])),
        video_url=default_storage.url(post.video) if post.video else None,
        image_url=default_storage.url(post.poster) if post.poster else None,
        admin_url=f"/admin/feed/post/{post.id}/change/",
        extra={"state": post.state, "visibility": post.visibility, "rating": post.rating},
    )


class PostSubjects(RowSubject):
    model = Post
    owner_field = "author_id"

    def visible_to(self, object_id: int, user: User) -> bool:
        return visible_posts(Viewer.of(user)).filter(pk=object_id).exists()

    def reach(self, object_id: int) -> int:
        return Post.objects.filter(pk=object_id).values_list("view_count", flat=True).first() or 0

    def render(self, object_id: int) -> SubjectView:
        post = Post.objects.select_related("author").get(pk=object_id)
        return _post_view(post)

    def lineage(self, object_id: int) -> list[SubjectView]:
        path = Post.objects.filter(pk=object_id).values_list("path", flat=True).first()
        if not path:
            return []
        ancestors = Post.objects.select_related("author").filter(pk__in=path_ids(path)[:-1]).order_by("depth")
        return [_post_view(p) for p in ancestors]

    def credits(self, object_id: int) -> list[SubjectView]:
        cameo_ids = Post.objects.filter(pk=object_id).values_list("cameo_ids", flat=True).first() or []
        return [
            SubjectView(title=f"Cameo of @{username}", owner_id=owner_id)
            for owner_id, username in cameo_owners(cameo_ids=cameo_ids).values()
        ]


class CommentSubjects(RowSubject):
    model = Comment
    owner_field = "author_id"

    def visible_to(self, object_id: int, user: User) -> bool:
        """A visible comment on a post the member may see, by someone not blocked either way
        (their own comments always)."""
        own = Q(author_id=user.pk)
        others = Q(state=Comment.State.VISIBLE) & ~Q(block_exists(a=user.pk, b=OuterRef("author_id")))
        return (
            Comment.objects.filter(pk=object_id, post__in=visible_posts(Viewer.of(user)).values("pk"))
            .filter(own | others)
            .exists()
        )

    def reach(self, object_id: int) -> int:
        return Comment.objects.filter(pk=object_id).values_list("post__view_count", flat=True).first() or 0

    def render(self, object_id: int) -> SubjectView:
        comment = Comment.objects.select_related("author").get(pk=object_id)
        return SubjectView(
            title=f"Comment by @{comment.author.username}",
            owner_id=comment.author_id,
            text=comment.text,
            admin_url=f"/admin/feed/comment/{comment.id}/change/",
            extra={"state": comment.state, "post_id": str(comment.post_id)},
        )

    def lineage(self, object_id: int) -> list[SubjectView]:
        post = Post.objects.select_related("author").filter(comments__pk=object_id).first()
        return [_post_view(post)] if post else []

    def credits(self, object_id: int) -> list[SubjectView]:
        return []
