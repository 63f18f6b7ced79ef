"""Celery tasks of the feed app (queue `feed`): ids in, call a service. All idempotent.

`feed.refresh_for_you` ranks one member; `feed.refresh_shared` (beat) ranks the
shared set served to members not ranked yet; `feed.fanout_post` pushes a new
post onto followers' Following lists; `feed.embed_post` / `feed.embed_preference`
run the sentence model (`feed.embed_search_query` for search queries; `feed.prune_search_vectors`
(beat) drops old ones); `feed.embed_missing` (beat) catches lost embed messages.
"""

from __future__ import annotations

from celery import shared_task

from feed import services


@shared_task(name="feed.refresh_for_you", ignore_result=True)
def refresh_for_you(user_id: int) -> int:
    return services.for_you_refresh(user_id=user_id)


@shared_task(name="feed.refresh_shared", ignore_result=True)
def refresh_shared() -> int:
    return services.for_you_refresh(user_id=0)


@shared_task(name="feed.fanout_post", ignore_result=True)
def fanout_post(post_id: int) -> int:
    return services.following_fanout(post_id=post_id)


@shared_task(name="feed.embed_post", ignore_result=True)
def embed_post(post_id: int) -> bool:
    return services.post_embed(post_id=post_id)


@shared_task(name="feed.embed_preference", ignore_result=True)
def embed_preference(user_id: int) -> bool:
    written = services.preference_embed(user_id=user_id)
    if written:
        services.for_you_refresh(user_id=user_id)
    return written


@shared_task(name="feed.embed_missing", ignore_result=True)
def embed_missing() -> int:
    return services.posts_embed_missing()


@shared_task(name="feed.embed_search_query", ignore_result=True)
def embed_search_query(text: str) -> bool:
    return services.search_query_embed(text=text)


@shared_task(name="feed.prune_search_vectors", ignore_result=True)
def prune_search_vectors() -> int:
    return services.search_vectors_prune()
