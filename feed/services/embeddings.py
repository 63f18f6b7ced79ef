"""Sentence vectors of posts and preferences (feed workers only; the model loads on first use)."""

from __future__ import annotations

from feed.embedding import embed, mean_vector, split_preference
from feed.models import FeedPreference, Post
from feed.states import PostState


def _post_text(topic: str, caption: str, prompt: str) -> str:
    return " ".join(filter(None, [topic, caption, prompt])) or "video"


def preference_embed(*, user_id: int) -> bool:
    """Embed a member's preference into "more" and "less" vectors (worker only). True when written."""
    pref = FeedPreference.objects.filter(user_id=user_id).first()
    if pref is None or pref.embedded_text == pref.text:
        return False
    more, less = split_preference(pref.text)
    vectors = embed(more + less)
    updated = FeedPreference.objects.filter(user_id=user_id, text=pref.text).update(
        more=mean_vector(vectors[: len(more)]),
        less=mean_vector(vectors[len(more) :]),
        embedded_text=pref.text,
    )
    return bool(updated)


def post_embed(*, post_id: int) -> bool:
    """Embed a post's prompt, caption and topic for preference matching (worker only)."""
    row = Post.objects.filter(pk=post_id, embedding__isnull=True).values("prompt", "caption", "topic").first()
    if row is None:
        return False
    text = _post_text(row["topic"], row["caption"], row["prompt"])
    return bool(Post.objects.filter(pk=post_id).update(embedding=embed([text])[0]))


def posts_embed_missing(*, limit: int = 500) -> int:
    """Embed recent posts that have no vector yet (beat; catches lost embed messages), batched."""
    rows = list(
        Post.objects.filter(embedding__isnull=True, state=PostState.PUBLISHED)
        .order_by("-id")
        .values("id", "prompt", "caption", "topic")[:limit]
    )
    if not rows:
        return 0
    vectors = embed([_post_text(r["topic"], r["caption"], r["prompt"]) for r in rows])
    for row, vector in zip(rows, vectors, strict=True):
        Post.objects.filter(pk=row["id"]).update(embedding=vector)
    return len(rows)
