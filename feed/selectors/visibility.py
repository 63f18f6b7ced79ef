"""Who may see which post: `visible_q` (the one rule, as a Q), `visible_posts`, `post_get`.

`feed.cards.visible_sql` says the same in SQL; a test compares the two.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from feed.models import Post, PostAudience
from feed.states import PostState, Rating, Visibility
from sora_social.accounts.selectors import block_exists, follow_exists
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id


def visible_q(viewer: Viewer, *, own: bool = True) -> Q:
    """Posts `viewer` may see, as one Q (EXISTS subqueries on indexed pairs).

    Others' posts: published, author active, no block either way, and public,
    followers (viewer follows the author) or chosen (viewer in the audience).
    Own posts also while hidden pending review. Teens never see mature posts.
    """
    follows = follow_exists(follower=viewer.id, followee=OuterRef("author_id"))
    chosen = Exists(PostAudience.objects.filter(post_id=OuterRef("pk"), user_id=viewer.id))
    others = (
        Q(state=PostState.PUBLISHED, author__is_active=True)
        & ~Q(author_id=viewer.id)
        & ~Q(block_exists(a=viewer.id, b=OuterRef("author_id")))
        & (
            Q(visibility=Visibility.PUBLIC)
            | (Q(visibility=Visibility.FOLLOWERS) & Q(follows))
            | (Q(visibility=Visibility.CHOSEN) & Q(chosen))
        )
    )
    q = others
    if own:
        q |= Q(author_id=viewer.id, state__in=[PostState.PUBLISHED, PostState.HIDDEN_PENDING_REVIEW])
    if viewer.is_teen:
        q &= ~Q(rating=Rating.MATURE)
    return q


def visible_posts(viewer: Viewer) -> QuerySet[Post]:
    return Post.objects.filter(visible_q(viewer))


def post_get(*, viewer: Viewer, post_id: object) -> Post:
    """A post the viewer may see; unknown, malformed, removed and invisible ids are all 404."""
    pk = parse_id(post_id)
    post = visible_posts(viewer).filter(pk=pk).first() if pk else None
    if post is None:
        raise NotFound("No such post.", code="post_not_found")
    return post
