"""Reads of the feed app; other apps read feed through here. Selectors never write.

- `visibility`: `visible_q` (the one visibility rule), `visible_posts`, `post_get`;
- `posts`: post cards (`post_detail`, `posts_by_ids`), a member's posts, lineage,
  remixes, comments, and `remix_source` (generation's remix resolver);
- `feeds`: For you (the materialised ranked set) and Following;
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
from feed.selectors.visibility import post_get, visible_posts, visible_q

__all__ = [
    "Page",
    "Pager",
    "comments",
    "following",
    "for_you",
    "lineage",
    "post_detail",
    "post_get",
    "posts_by_ids",
    "remix_source",
    "remixes",
    "user_posts",
    "visible_posts",
    "visible_q",
]
