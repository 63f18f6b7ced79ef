"""Following lists: a new post pushed onto its audience's lists (feed workers only)."""

from __future__ import annotations

from feed.models import Post, PostAudience
from feed.states import PostState, Visibility
from feed.store import get_store
from sora_social.accounts.selectors import follower_ids


def following_fanout(*, post_id: int) -> int:
    """Push a new post onto its audience's Following lists (capped). Returns lists touched."""
    post = (
        Post.objects.filter(pk=post_id, state=PostState.PUBLISHED).values("author_id", "visibility").first()
    )
    if post is None or post["visibility"] == Visibility.PRIVATE:
        return 0
    followers = follower_ids(user_id=post["author_id"])
    if post["visibility"] == Visibility.CHOSEN:
        followers &= set(PostAudience.objects.filter(post_id=post_id).values_list("user_id", flat=True))
    if followers:
        get_store().following_push(sorted(followers), post_id)
    return len(followers)
