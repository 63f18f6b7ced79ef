"""Discovery: hashtags with their stored post counts, and the embedded search queries.

`Hashtag.post_count` counts the published public posts carrying the tag
(`feed.services.counters` moves it with every post entering or leaving that
set); `PostHashtag` links a post to each tag of its caption, written once at
publish (captions do not change). `SearchQueryVector` keeps the sentence
vector of a search query, computed by a worker (the web tier never loads the
model): the first search for a text is answered by full-text alone and asks
for the vector; later ones add the semantic matches.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from pgvector.django import VectorField

from feed.models.posts import TEXT_EMBEDDING_DIM, Post
from sora_social.common.ids import SnowflakeField


class Hashtag(models.Model):
    id = SnowflakeField()
    name = models.CharField(max_length=40, unique=True, help_text="Lower case, without the #.")
    post_count = models.PositiveIntegerField(default=0, help_text="Published public posts with the tag.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "feed_hashtag"
        indexes = [GinIndex(fields=["name"], name="feed_hashtag_name_trgm", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return f"#{self.name}"


class PostHashtag(models.Model):
    id = SnowflakeField()
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "feed_post_hashtag"
        constraints = [models.UniqueConstraint(fields=["post", "hashtag"], name="feed_post_hashtag_once")]
        indexes = [models.Index(fields=["hashtag", "-post"], name="feed_post_hashtag_recent")]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.hashtag_id}"


class SearchQueryVector(models.Model):
    """The sentence vector of one normalised search text (lower case, single spaces)."""

    text = models.CharField(max_length=200, primary_key=True)
    embedding = VectorField(dimensions=TEXT_EMBEDDING_DIM, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "feed_search_query_vector"

    def __str__(self) -> str:
        return self.text
