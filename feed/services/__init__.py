"""Writes of the feed app: one function per state change (`<entity>_<action>`, keyword-only).

Split by subject; import them from this package:

- `publishing`: `post_publish` (a finished generation becomes a post), `MAX_AUDIENCE`;
- `removal`: every post state change through `feed.states.POST_MACHINE`: `posts_remove`
  (set-based, with the descendants that inherit it), `post_restore`, `post_hide`,
  `post_unhide`, `post_transition` (single moves), `post_delete`, `posts_remove_for_account`;
- `media`: `posts_media_place` (where a post's files live; after every state or visibility change);
- `lineage`: `lineage_counts_adjust` (stored descendant and remix counts);
- `interactions`: likes, comments (`comment_create`, `comment_set_state`), views;
- `mentions`: `mentions_check` (who may be `@mentioned`);
- `notices`: likes, comments and remixes notified to the author (`notify_like`, `notify_comment`,
  `notify_remix`; called inside the interaction);
- `steering`: `feedback_record` (more/less), `preference_set`;
- `serving`: `page_serve` (a listing within a teen's daily budget), `feed_budget_reserve`
  / `feed_budget_refund`, `refresh_request`;
- `for_you`: `for_you_refresh` (ranking; workers); `fanout`: `following_fanout` (workers);
- `counters`: `post_counters_adjust` (authors' and hashtags' stored post counts),
  `post_hashtags_link`, `hashtags_of`;
- `search`: `search_vector` (a query's stored vector, or a worker asked for it),
  `search_query_embed` (workers), `search_vectors_prune` (beat);
- `embeddings`: `post_embed`, `posts_embed_missing`, `preference_embed` (workers).
"""

from feed.services.counters import hashtags_of, post_counters_adjust, post_hashtags_link
from feed.services.embeddings import post_embed, posts_embed_missing, preference_embed
from feed.services.fanout import following_fanout
from feed.services.for_you import for_you_refresh
from feed.services.interactions import comment_create, comment_set_state, like_add, like_remove, view_record
from feed.services.media import posts_media_place
from feed.services.publishing import MAX_AUDIENCE, post_publish
from feed.services.removal import (
    post_delete,
    post_hide,
    post_restore,
    post_transition,
    post_unhide,
    posts_remove,
    posts_remove_for_account,
)
from feed.services.search import search_query_embed, search_vector, search_vectors_prune
from feed.services.serving import Served, feed_budget_refund, feed_budget_reserve, page_serve, refresh_request
from feed.services.steering import Steered, feedback_record, preference_set

__all__ = [
    "MAX_AUDIENCE",
    "Served",
    "Steered",
    "comment_create",
    "comment_set_state",
    "feed_budget_refund",
    "feed_budget_reserve",
    "feedback_record",
    "following_fanout",
    "for_you_refresh",
    "hashtags_of",
    "like_add",
    "like_remove",
    "page_serve",
    "post_counters_adjust",
    "post_delete",
    "post_embed",
    "post_hashtags_link",
    "post_hide",
    "post_publish",
    "post_restore",
    "post_transition",
    "post_unhide",
    "posts_embed_missing",
    "posts_media_place",
    "posts_remove",
    "posts_remove_for_account",
    "preference_embed",
    "preference_set",
    "refresh_request",
    "search_query_embed",
    "search_vector",
    "search_vectors_prune",
    "view_record",
]
