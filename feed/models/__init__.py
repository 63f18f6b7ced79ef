"""Models of the feed app."""

from feed.models.feeds import (
    AuthorWeight,
    FeedBudget,
    FeedPreference,
    FollowingEntry,
    ForYouEntry,
    ForYouState,
    TopicWeight,
    UnpublishableDraft,
)
from feed.models.interactions import Comment, Like, View
from feed.models.posts import Post, PostAudience, path_ids, path_segment
from feed.models.search import Hashtag, PostHashtag, SearchQueryVector

__all__ = [
    "AuthorWeight",
    "Comment",
    "FeedBudget",
    "FeedPreference",
    "FollowingEntry",
    "ForYouEntry",
    "ForYouState",
    "Hashtag",
    "Like",
    "Post",
    "PostAudience",
    "PostHashtag",
    "SearchQueryVector",
    "TopicWeight",
    "UnpublishableDraft",
    "View",
    "path_ids",
    "path_segment",
]
