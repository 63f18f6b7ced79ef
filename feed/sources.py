"""For you candidate sources: each one query returning post ids, tagged with its name.

- `following`: recent posts of people the viewer follows;
- `creation`: recent public posts with the most creation signals (remixes and
  creations that followed a view);
- `preference`: nearest posts to the viewer's free-text "more" vector (pgvector HNSW);
- `your_remixes`: remixes of the viewer's posts and of posts the viewer remixed;
- `new_creators`: recent public posts by members who joined lately;
- `fresh`: the newest public posts (so a quiet system still has a feed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, Q
from django.utils import timezone
from pgvector.django import CosineDistance

from feed.models import FeedPreference, Post
from feed.states import PostState, Visibility
from sora_social.accounts.selectors import follow_exists


def _recent(hours: int | None = None) -> Any:
    since = timezone.now() - dt.timedelta(hours=hours or settings.FEED_SOURCE_WINDOW_H)
    return Post.objects.filter(state=PostState.PUBLISHED, created_at__gte=since)


def _public_recent() -> Any:
    return _recent().filter(visibility=Visibility.PUBLIC)


def following(user_id: int, limit: int) -> list[int]:
    followed = follow_exists(follower=user_id, followee=OuterRef("author_id"))
    return list(_recent().filter(followed).order_by("-id").values_list("id", flat=True)[:limit])


def creation(limit: int) -> list[int]:
    return list(
        _public_recent()
        .filter(Q(remix_count__gt=0) | Q(inspired_count__gt=0) | Q(like_count__gt=0) | Q(comment_count__gt=0))
        .order_by((F("remix_count") + F("inspired_count")).desc(), F("like_count").desc(), "-id")
        .values_list("id", flat=True)[:limit]
    )


def fresh(limit: int) -> list[int]:
    return list(
        Post.objects.filter(state=PostState.PUBLISHED, visibility=Visibility.PUBLIC)
        .order_by("-id")
        .values_list("id", flat=True)[:limit]
    )


def preference(pref: FeedPreference | None, limit: int) -> list[int]:
    if pref is None or pref.more is None:
        return []
    return list(
        Post.objects.filter(state=PostState.PUBLISHED, visibility=Visibility.PUBLIC, embedding__isnull=False)
        .order_by(CosineDistance("embedding", pref.more))
        .values_list("id", flat=True)[:limit]
    )


def your_remixes(user_id: int, limit: int) -> list[int]:
    remixed_parents = Post.objects.filter(author_id=user_id, parent_id__isnull=False).values("parent_id")
    return list(
        _recent()
        .filter(Q(parent__author_id=user_id) | Q(parent_id__in=remixed_parents))
        .exclude(author_id=user_id)
        .order_by("-id")
        .values_list("id", flat=True)[:limit]
    )


def new_creators(limit: int) -> list[int]:
    joined = timezone.now() - dt.timedelta(days=settings.FEED_NEW_CREATOR_DAYS)
    return list(
        _public_recent()
        .filter(author__date_joined__gte=joined)
        .order_by("-id")
        .values_list("id", flat=True)[:limit]
    )
