"""Posts: a published generation with its caption, audience, remix lineage and counters.

Lineage is a materialised path: `path` concatenates the fixed-width base-36
ids of the root, every ancestor and the post itself (13 characters each, "C"
collation), so ancestors come from the path without a query, descendants are
one btree range (`path > P AND path < P || '{'`) in tree order, and depth is
`len(path) / 13 - 1`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex, VectorField

from feed.states import PostState, Rating, Visibility
from sora_social.common.ids import SnowflakeField

TEXT_EMBEDDING_DIM = 384  # all-MiniLM-L6-v2
SEGMENT = 13  # base-36 digits of a 63-bit id
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# A post's full-text document; language-neutral ("simple"): captions come in every language,
# and meaning across words is what the embedding search adds.
CAPTION_VECTOR = SearchVector("caption", config="simple")


def path_segment(post_id: int) -> str:
    """The fixed-width base-36 segment of an id (sorts like the id)."""
    out = []
    value = post_id
    while value:
        value, rem = divmod(value, 36)
        out.append(_DIGITS[rem])
    return "".join(reversed(out)).rjust(SEGMENT, "0")


def path_ids(path: str) -> list[int]:
    """Ids named by a path, root first."""
    return [int(path[i : i + SEGMENT], 36) for i in range(0, len(path), SEGMENT)]


class Post(models.Model):
    State = PostState
    Visibility = Visibility
    Rating = Rating

    id = SnowflakeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    # Demo posts seeded in bulk have no generation; every post made through the
    # API publishes exactly one finished generation (unique).
    generation = models.OneToOneField(
        "generation.GenerationJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="post"
    )
    video = models.CharField(max_length=255, help_text="Storage name of the signed MP4.")
    poster = models.CharField(max_length=255, blank=True)
    prompt = models.TextField(blank=True)
    caption = models.CharField(max_length=500, blank=True)
    topic = models.CharField(
        max_length=40, blank=True, help_text="Style or first hashtag; what steering moves."
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    allow_remix = models.BooleanField(default=True)
    rating = models.CharField(max_length=8, choices=Rating.choices, default=Rating.GENERAL)
    state = models.CharField(max_length=28, choices=PostState.choices, default=PostState.PUBLISHED)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    # The removed ancestor whose removal hid this post (restored with it).
    hidden_by_id = models.BigIntegerField(null=True, blank=True)
    cameo_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="children",
        db_constraint=False,
    )
    root_id = models.BigIntegerField(db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    path = models.TextField(db_collation="C")

    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    remix_count = models.PositiveIntegerField(default=0, help_text="Published direct remixes.")
    descendant_count = models.PositiveIntegerField(default=0, help_text="Published remixes at any depth.")
    inspired_count = models.PositiveIntegerField(
        default=0, help_text="Posts published by viewers within the view window after viewing this one."
    )

    embedding = VectorField(dimensions=TEXT_EMBEDDING_DIM, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "feed_post"
        permissions = [
            ("remove_post", "Can remove posts for a policy violation"),
            ("restore_post", "Can restore posts removed by moderation"),
        ]
        indexes = [
            models.Index(fields=["author", "-id"], name="feed_post_author_recent"),
            models.Index(fields=["path"], name="feed_post_path"),
            # Recent public posts: the creation-signal candidate source.
            models.Index(
                fields=["-id"],
                name="feed_post_public_recent",
                condition=Q(state="published", visibility="public"),
            ),
            GinIndex(fields=["cameo_ids"], name="feed_post_cameos"),
            # Post search: full-text over published captions (the query repeats this expression).
            GinIndex(CAPTION_VECTOR, name="feed_post_caption_search", condition=Q(state="published")),
            HnswIndex(
                name="feed_post_embedding",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.id} by {self.author_id} ({self.state})"


class PostAudience(models.Model):
    """The people a `chosen` post is shown to."""

    id = SnowflakeField()
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="audience")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "feed_post_audience"
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="feed_post_audience_once")]

    def __str__(self) -> str:
        return f"{self.user_id} may see {self.post_id}"
