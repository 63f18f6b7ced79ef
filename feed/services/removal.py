"""Post state changes: removal (with the descendants that inherit it), restore, single moves, deletion.

Every move is one the declared `feed.states.POST_MACHINE` allows: single
posts through `transition()` (`post_transition`), sets of posts by one UPDATE
whose `WHERE state IN (…)` is the machine's `sources_of(target)`
(`posts_remove`, `post_restore`, `post_hide`, `post_unhide`). Every move is
followed, in the same transaction, by `posts_media_place` and, on commit, by
the engine's `state_changed` signal.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cameos.services import output_faces_erase
from feed.models import (
    AuthorWeight,
    Comment,
    FeedBudget,
    FeedPreference,
    FollowingEntry,
    ForYouEntry,
    ForYouState,
    Post,
    TopicWeight,
)
from feed.services.counters import post_counters_adjust
from feed.services.lineage import lineage_counts_adjust
from feed.services.media import posts_media_place
from feed.states import POST_MACHINE, PostState
from sora_social.accounts.models import User
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id
from sora_social.common.states import bulk_transition, state_changed, transition

_REMOVALS = frozenset(
    {PostState.REMOVED_BY_AUTHOR, PostState.REMOVED_BY_MODERATION, PostState.REMOVED_BY_LIKENESS_OWNER}
)
# What a removal does to the published descendants of the removed posts.
_DESCENDANT_TO = {
    PostState.REMOVED_BY_MODERATION: PostState.HIDDEN_PENDING_REVIEW,
    PostState.REMOVED_BY_LIKENESS_OWNER: PostState.REMOVED_BY_LIKENESS_OWNER,
}


def _sources(target: str) -> list[str]:
    return sorted(POST_MACHINE.sources_of(target))


def _announce(pks: list[int], target: str) -> None:
    """The engine's `state_changed`, on commit, for a set moved by one of the statements here."""
    if pks:
        transaction.on_commit(
            lambda: state_changed.send(sender=Post, machine=POST_MACHINE, pks=pks, source=None, target=target)
        )


def _removal_sql(to: str, descendant_to: str | None) -> str:
    """One UPDATE: a CTE locks the targets (and the descendants that inherit the removal) and
    keeps their old state; `p.state = m.state` re-checks a row a concurrent writer changed
    meanwhile, so it moves only from the state this statement read (and counted)."""
    descendant_sql = ""
    if descendant_to:
        carries = (
            "AND d.cameo_ids @> ARRAY[%(cameo)s]::bigint[]"
            if to == PostState.REMOVED_BY_LIKENESS_OWNER
            else ""
        )
        # Each descendant remembers the nearest removed ancestor that hid it.
        descendant_sql = f"""
        UNION ALL (
            SELECT DISTINCT ON (d.id) d.id, d.state, d.path, false, t.id
            FROM targets t JOIN feed_post d ON d.path > t.path AND d.path < t.path || '{{'
            WHERE d.state = ANY(%(desc_from)s) AND NOT d.id = ANY(%(ids)s) {carries}
            ORDER BY d.id, length(t.path) DESC
        )"""  # noqa: S608
    return f"""
    WITH targets AS (
        SELECT id, state, path FROM feed_post WHERE id = ANY(%(ids)s) AND state = ANY(%(from)s) FOR UPDATE
    ), moved(id, state, path, target, by_id) AS (
        SELECT id, state, path, true, NULL::bigint FROM targets
        {descendant_sql}
    )
    UPDATE feed_post p SET
        state = CASE WHEN m.target THEN %(to)s ELSE %(desc_to)s END,
        hidden_by_id = CASE WHEN m.target THEN p.hidden_by_id ELSE m.by_id END,
        state_changed_at = %(now)s
    FROM moved m WHERE p.id = m.id AND p.state = m.state
    RETURNING p.id, m.state, m.path, m.target
    """  # noqa: S608


def posts_remove(*, post_ids: list[int], to: str, cameo_id: int | None = None) -> dict[str, list[int]]:
    """Move `post_ids` to a removed state, with the descendants that inherit what was removed.

    - `removed_by_author`: the posts only (remixes are their authors' own work).
    - `removed_by_moderation`: published descendants become `hidden_pending_review`
      (rule 4), remembering which removal hid them.
    - `removed_by_likeness_owner`: descendants carrying `cameo_id` are removed too (rule 2).

    One UPDATE (a CTE locks the rows and keeps their old state), then one for
    the counters. Returns {"removed": [...], "descendants": [...]} of posts that moved.
    """
    if to not in _REMOVALS:
        raise ValueError(f"not a removal: {to}")
    if not post_ids:
        return {"removed": [], "descendants": []}
    descendant_to = _DESCENDANT_TO.get(PostState(to))
    params: dict[str, Any] = {
        "ids": list(post_ids),
        "to": to,
        "from": _sources(to),
        "now": timezone.now(),
        "cameo": cameo_id,
        "desc_to": descendant_to or "",
        "desc_from": _sources(descendant_to) if descendant_to else [],
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_removal_sql(to, descendant_to), params)
        rows = cursor.fetchall()
        lineage_counts_adjust([(path, -1) for _, old, path, _ in rows if old == PostState.PUBLISHED])
        post_counters_adjust(
            post_ids=[pid for pid, old, _, _ in rows if old == PostState.PUBLISHED], delta=-1
        )
        posts_media_place(post_ids=[r[0] for r in rows])
        if to != PostState.REMOVED_BY_MODERATION:
            # Final removals keep no face embeddings of the video (moderation's may be restored).
            final = [pid for pid, _, _, target in rows if target or to == PostState.REMOVED_BY_LIKENESS_OWNER]
            output_faces_erase(kind="post", object_ids=final)
        _announce([pid for pid, _, _, target in rows if target], to)
        if descendant_to:
            _announce([pid for pid, _, _, target in rows if not target], descendant_to)
    return {
        "removed": sorted(pid for pid, _, _, target in rows if target),
        "descendants": sorted(pid for pid, _, _, target in rows if not target),
    }


def post_restore(*, post_id: int) -> dict[str, list[int]]:
    """Undo a moderation removal: the post and the remixes its removal hid come back (set-based)."""
    sql = """
    WITH moved AS (
        SELECT id, state, path FROM feed_post
        WHERE ((id = %(id)s AND state = %(removed)s) OR (hidden_by_id = %(id)s AND state = %(hidden)s))
          AND state = ANY(%(from)s)
        FOR UPDATE
    )
    UPDATE feed_post p SET state = %(published)s, hidden_by_id = NULL, state_changed_at = %(now)s
    FROM moved m WHERE p.id = m.id
    RETURNING p.id, m.path
    """
    params: dict[str, Any] = {
        "id": post_id,
        "removed": PostState.REMOVED_BY_MODERATION,
        "hidden": PostState.HIDDEN_PENDING_REVIEW,
        "from": _sources(PostState.PUBLISHED),
        "published": PostState.PUBLISHED,
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        lineage_counts_adjust([(path, +1) for _, path in rows])
        post_counters_adjust(post_ids=[pid for pid, _ in rows], delta=+1)
        posts_media_place(post_ids=[pid for pid, _ in rows])
        _announce([pid for pid, _ in rows], PostState.PUBLISHED)
    return {"restored": sorted(pid for pid, _ in rows)}


@transaction.atomic
def post_hide(*, post_id: int) -> list[int]:
    """Moderation hides a post pending review (if its state allows); returns the pks moved."""
    moved = bulk_transition(POST_MACHINE, Post.objects.filter(pk=post_id), to=PostState.HIDDEN_PENDING_REVIEW)
    # Only a published post can be hidden: whatever moved left the published set.
    post_counters_adjust(post_ids=moved, delta=-1)
    posts_media_place(post_ids=[post_id])
    return moved


@transaction.atomic
def post_unhide(*, post_id: int) -> list[int]:
    """A post hidden pending review (not removed) comes back published; returns the pks moved."""
    moved = bulk_transition(
        POST_MACHINE,
        Post.objects.filter(pk=post_id, state=PostState.HIDDEN_PENDING_REVIEW),
        to=PostState.PUBLISHED,
    )
    post_counters_adjust(post_ids=moved, delta=+1)
    posts_media_place(post_ids=[post_id])
    return moved


def post_transition(*, post_id: int, to: str) -> Post:
    """One post to `to` under a row lock, if the machine allows it (the review queue's single
    moves); an illegal move raises `IllegalTransition` (409)."""
    sources: list[str] = []

    def fields(row: Post, source: str) -> dict[str, Any]:
        sources.append(source)  # the state moved from, for the counters below
        return {"hidden_by_id": None}

    with transaction.atomic():
        try:
            post = transition(
                POST_MACHINE, Post.objects.all(), pk=post_id, to=to, fields=fields, subject="A post"
            )
        except Post.DoesNotExist:
            raise NotFound("No such post.", code="post_not_found") from None
        if (sources[0] == PostState.PUBLISHED) != (to == PostState.PUBLISHED):
            delta = +1 if to == PostState.PUBLISHED else -1
            lineage_counts_adjust([(post.path, delta)])
            post_counters_adjust(post_ids=[post.id], delta=delta)
        posts_media_place(post_ids=[post.id])
        post.refresh_from_db()
        return post


@transaction.atomic
def post_delete(*, author: User, post_id: object) -> None:
    """The author deletes their post (others get 404, as for posts they cannot see)."""
    pk = parse_id(post_id)
    post = Post.objects.select_for_update().filter(pk=pk, author_id=author.pk).first() if pk else None
    if post is None or post.state not in POST_MACHINE.sources_of(PostState.REMOVED_BY_AUTHOR):
        raise NotFound("No such post.", code="post_not_found")
    posts_remove(post_ids=[post.id], to=PostState.REMOVED_BY_AUTHOR)


_ACCOUNT_INTERACTIONS_SQL = (
    (
        "WITH d AS (DELETE FROM feed_like WHERE user_id = %(user)s RETURNING post_id)"
        " UPDATE feed_post p SET like_count = GREATEST(0, p.like_count - c.n)"
        " FROM (SELECT post_id, count(*) AS n FROM d GROUP BY post_id) c WHERE p.id = c.post_id"
    ),
    (
        "WITH d AS (DELETE FROM feed_comment WHERE author_id = %(user)s RETURNING post_id, state)"
        " UPDATE feed_post p SET comment_count = GREATEST(0, p.comment_count - c.n)"
        " FROM (SELECT post_id, count(*) FILTER (WHERE state = %(visible)s) AS n FROM d GROUP BY post_id) c"
        " WHERE p.id = c.post_id AND c.n > 0"
    ),
    (
        "WITH d AS (DELETE FROM feed_view WHERE viewer_id = %(user)s RETURNING post_id)"
        " UPDATE feed_post p SET view_count = GREATEST(0, p.view_count - c.n)"
        " FROM (SELECT post_id, count(*) AS n FROM d GROUP BY post_id) c WHERE p.id = c.post_id"
    ),
)


def posts_remove_for_account(*, user_id: int) -> dict[str, int]:
    """A member deleted their account: their posts are removed for everyone (files deleted
    before the transaction commits), their likes, comments and views go with the posts'
    stored counters, and their own feed state is dropped.

    Receiver side of `sora_social.accounts.signals.account_deleted`. Set-based:
    a fixed number of statements whatever the number of posts (one storage call
    per file). Remixes by others stay; their label stops naming the member
    (the card joins no deleted author). Posts a moderator already removed keep
    their quarantined copy (never served to members) as evidence for the case.
    """
    with transaction.atomic():
        post_ids = list(
            Post.objects.filter(author_id=user_id, state__in=_sources(PostState.REMOVED_BY_AUTHOR))
            .order_by("id")
            .values_list("id", flat=True)
        )
        moved = posts_remove(post_ids=post_ids, to=PostState.REMOVED_BY_AUTHOR)
        with connection.cursor() as cursor:
            for sql in _ACCOUNT_INTERACTIONS_SQL:
                cursor.execute(sql, {"user": user_id, "visible": Comment.State.VISIBLE})
        ForYouEntry.objects.filter(user_id=user_id).delete()
        ForYouState.objects.filter(user_id=user_id).delete()
        FollowingEntry.objects.filter(user_id=user_id).delete()
        AuthorWeight.objects.filter(user_id=user_id).delete()
        AuthorWeight.objects.filter(author_id=user_id).delete()
        TopicWeight.objects.filter(user_id=user_id).delete()
        FeedPreference.objects.filter(user_id=user_id).delete()
        FeedBudget.objects.filter(user_id=user_id).delete()
    return {"posts_removed": len(moved["removed"])}
