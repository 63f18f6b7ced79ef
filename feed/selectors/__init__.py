"""Reads of the feed app; other apps read feed through here. Selectors never write.

- `visibility`: `visible_q` (the one visibility rule), `visible_posts`, `post_get`;
- `posts`: post cards (`post_detail`, `posts_by_ids`), a member's posts, lineage,
  remixes, comments, and `remix_source` (generation's remix resolver);
- `feeds`: For you (the materialised ranked set) and Following;
- `search`: `posts_search` (full-text and embedding candidates, ranked), `topics_search`
  (hashtags with their post counts); members are searched in accounts;
- `share`: `share_post` and `creator_posts`, public posts as everyone may see them, for the web pages;
- `provenance`: `posts_for_jobs`, `post_job` (provenance's resolvers, registered at start-up);
- `pages`: `Page` and `Pager`, what a paged listing is. Listings served within
  a teen's budget are returned as pagers; `feed.services.page_serve` serves them.
"""

from feed.selectors.feeds import following, for_you
from feed.selectors.pages import Page, Pager
from feed.selectors.posts import (
    comments,
    lineage,
    post_detail,
    posts_by_ids,
    remix_source,
    remixes,
    user_posts,
)
from feed.selectors.search import posts_search, ranked_post_ids, topics_search
from feed.selectors.share import SharedPost, creator_posts, share_post
from feed.selectors.visibility import post_get, visible_posts, visible_q

__all__ = [
    "Page",
    "Pager",
    "SharedPost",
    "comments",
    "creator_posts",
    "following",
    "for_you",
    "lineage",
    "post_detail",
    "post_get",
    "posts_by_ids",
    "posts_search",
    "ranked_post_ids",
    "remix_source",
    "remixes",
    "share_post",
    "topics_search",
    "user_posts",
    "visible_posts",
    "visible_q",
]
