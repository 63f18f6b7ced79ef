"""Writes of the feed app: one function per state change (`<entity>_<action>`, keyword-only).

Removal is set-based: `posts_remove` moves a set of posts and the
descendants that inherit what was removed in one UPDATE, then fixes the
stored counters of their ancestors in one more.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from pgvector.django import CosineDistance

from feed.models import (
    Comment,
    FeedBudget,
    FeedPreference,
    Post,
    PostAudience,
    UnpublishableDraft,
    path_ids,
    path_segment,
)
from feed.selectors import Viewer, post_get
from feed.states import PostState, Rating, Visibility, can_move, sources_of
from sora_social.accounts.selectors import mentioned_users
from sora_social.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sora_social.common.ids import new_id, parse_id
from sora_social.common.tasks import enqueue_on_commit

MAX_AUDIENCE = 200
_HASHTAG = re.compile(r"#(\w{1,40})")


# --- publishing -----------------------------------------------------------------


def _topic(style: str, caption: str) -> str:
    if style:
        return style.strip().lower()[:40]
    tag = _HASHTAG.search(caption)
    return tag.group(1).lower() if tag else ""


def _rating(checks: dict[str, Any]) -> str:
    """The rating generation's output checks stored (`checks["output"]["rating"]`).

    Outputs checked before the rating was stored carry only the frame
    verdict's scores; those are rated now, against the active policy's teen
    thresholds.
    """
    output = checks.get("output") if isinstance(checks, dict) else None
    if not isinstance(output, dict):
        return Rating.GENERAL
    if "rating" in output:
        return Rating.MATURE if output["rating"] != Rating.GENERAL else Rating.GENERAL
    scores = [
        step["verdict"]["scores"]
        for step in output.values()
        if isinstance(step, dict) and isinstance(step.get("verdict"), dict) and "scores" in step["verdict"]
    ]
    if scores:
        from moderation.services import content_rating

        merged = {c: max(float(s.get(c, 0.0)) for s in scores) for s in scores for c in s}
        return Rating(content_rating(scores=merged))
    return Rating.GENERAL


def _audience_ids(visibility: str, audience: list[Any] | None, author: Any) -> list[int]:
    from sora_social.accounts.models import User
    from sora_social.accounts.selectors import uncontactable_ids

    author_id = author.id

    raw = audience or []
    if visibility != Visibility.CHOSEN:
        if raw:
            raise ValidationFailed(
                "Only chosen posts take an audience.", code="audience_not_allowed", details={"audience": "x"}
            )
        return []
    if not raw:
        raise ValidationFailed("Choose at least one person.", code="audience_required")
    if len(raw) > MAX_AUDIENCE:
        raise ValidationFailed(f"At most {MAX_AUDIENCE} people.", code="audience_too_large")
    ids = {parse_id(value) for value in raw}
    if None in ids:
        raise ValidationFailed("Unknown people in the audience.", code="audience_unknown_users")
    ids.discard(author_id)
    found = set(User.objects.filter(pk__in=ids, is_active=True).values_list("id", flat=True))
    # Sharing with chosen people reaches them like a message: members the author
    # may not contact (teens who do not follow them, blocks) answer as unknown.
    if found != ids or uncontactable_ids(sender=author, recipient_ids=ids):
        raise ValidationFailed("Unknown people in the audience.", code="audience_unknown_users")
    return sorted(ids)


def post_publish(
    *,
    author: Any,
    generation_id: object,
    caption: str = "",
    visibility: str = Visibility.PUBLIC,
    audience: list[Any] | None = None,
    allow_remix: bool = True,
) -> Post:
    """Publish a finished generation as a post: its owner only, once, with consent checked now.

    A remix is placed under its parent (path, root, depth) and every ancestor's
    stored descendant count moves by one. A remix whose parent was removed for
    a policy violation is published hidden pending review, like its siblings.
    """
    from cameos.selectors import cameos_in_object, may_cast
    from cameos.services import appearance_record
    from generation.models import GenerationJob
    from generation.states import JobState

    if visibility not in Visibility.values:
        raise ValidationFailed("Unknown visibility.", code="invalid_visibility")
    caption = (caption or "").strip()
    if len(caption) > 500:
        raise ValidationFailed("Captions are at most 500 characters.", code="caption_too_long")
    mentions_check(author=author, text=caption)
    audience_ids = _audience_ids(visibility, audience, author)
    pk = parse_id(generation_id)
    try:
        with transaction.atomic():
            job = (
                GenerationJob.objects.select_for_update().filter(pk=pk, user_id=author.id).first()
                if pk
                else None
            )
            if job is None:
                raise NotFound("No such generation.", code="generation_not_found")
            if job.output_removed_at is not None:
                raise Forbidden("This video was taken down.", code="generation_output_removed")
            if job.state != JobState.READY or not job.video:
                raise Conflict("Only a finished generation can be published.", code="generation_not_ready")
            if Post.objects.filter(generation_id=job.id).exists():
                raise Conflict("This generation is already published.", code="already_published")
            if UnpublishableDraft.objects.filter(job_id=job.id).exists():
                raise Forbidden(
                    "A cameo's owner withdrew consent for this video.", code="cameo_consent_withdrawn"
                )
            for cameo_id in job.cameo_ids:
                if not may_cast(user_id=author.id, cameo_id=cameo_id, lock=True):
                    raise Forbidden(
                        "A cameo's owner withdrew consent for this video.", code="cameo_consent_withdrawn"
                    )
            # A likeness found in the video but never cast (its owner enrolled after the
            # draft was made) needs consent at publish just the same (rule 3).
            carried = cameos_in_object(kind="generation", object_id=job.id)
            detected = sorted(c for c in carried if c not in job.cameo_ids)
            without = [c for c in detected if not may_cast(user_id=author.id, cameo_id=c, lock=True)]
            if without:
                raise Forbidden(
                    "This video shows someone who has not agreed to appear in it.",
                    code="cameo_likeness_without_consent",
                    details={"cameos": [str(c) for c in without]},
                )

            post_id = new_id()
            state = PostState.PUBLISHED
            hidden_by = None
            parent = Post.objects.filter(pk=job.remix_of_post_id).first() if job.remix_of_post_id else None
            if parent is not None:
                if parent.state == PostState.REMOVED_BY_LIKENESS_OWNER and set(parent.cameo_ids) & set(
                    job.cameo_ids
                ):
                    raise Conflict("The post this remixes was taken down.", code="remix_source_removed")
                if parent.state in (PostState.REMOVED_BY_MODERATION, PostState.HIDDEN_PENDING_REVIEW):
                    state = PostState.HIDDEN_PENDING_REVIEW
                    hidden_by = parent.hidden_by_id or parent.id
            post = Post.objects.create(
                id=post_id,
                author_id=author.id,
                generation_id=job.id,
                video=job.video,
                poster=job.poster,
                prompt=job.prompt,
                caption=caption,
                topic=_topic(job.style, caption),
                visibility=visibility,
                allow_remix=allow_remix,
                rating=_rating(job.checks),
                state=state,
                hidden_by_id=hidden_by,
                cameo_ids=list(job.cameo_ids),
                parent_id=parent.id if parent else None,
                root_id=parent.root_id if parent else post_id,
                depth=parent.depth + 1 if parent else 0,
                path=(parent.path if parent else "") + path_segment(post_id),
            )
            if audience_ids:
                PostAudience.objects.bulk_create(
                    PostAudience(post_id=post.id, user_id=u) for u in audience_ids
                )
            if parent is not None and state == PostState.PUBLISHED:
                _adjust_lineage_counts([(post.path, +1)])
            _credit_views(author_id=author.id, post_id=post.id)
            post.video, post.poster = posts_media_place(post_ids=[post.id]).get(
                post.id, (post.video, post.poster)
            )
            # The post carries every likeness its generation carries (cast or detected).
            for cameo_id in job.cameo_ids:
                carried.setdefault(cameo_id, "cast")
            for cameo_id, source in carried.items():
                appearance_record(
                    cameo_id=cameo_id, kind="post", object_id=post.id, source=source, creator_id=author.id
                )
    except IntegrityError:
        # Two publishes of one generation at once: the unique constraint decides.
        raise Conflict("This generation is already published.", code="already_published") from None

    enqueue_on_commit("feed.fanout_post", post_id=post.id)
    enqueue_on_commit("feed.embed_post", post_id=post.id)
    return post


def _credit_views(*, author_id: int, post_id: int) -> None:
    """Posts this author viewed within the window get credit for inspiring a creation (one UPDATE)."""
    since = timezone.now() - dt.timedelta(hours=settings.FEED_VIEW_WINDOW_H)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feed_post SET inspired_count = inspired_count + 1 WHERE id IN ("
            " SELECT DISTINCT v.post_id FROM feed_view v JOIN feed_post p ON p.id = v.post_id"
            " WHERE v.viewer_id = %s AND v.created_at >= %s AND p.author_id <> %s AND v.post_id <> %s"
            " LIMIT 50)",
            [author_id, since, author_id, post_id],
        )


def _adjust_lineage_counts(moves: list[tuple[str, int]]) -> None:
    """Move ancestors' descendant counts (and parents' remix counts) for posts entering or
    leaving the published set: `moves` is (path, +1 | -1) per post. One UPDATE."""
    descendants: Counter[int] = Counter()
    direct: Counter[int] = Counter()
    for path, delta in moves:
        ancestors = path_ids(path)[:-1]
        for ancestor in ancestors:
            descendants[ancestor] += delta
        if ancestors:
            direct[ancestors[-1]] += delta
    ids = sorted(set(descendants) | set(direct))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feed_post p SET descendant_count = GREATEST(0, p.descendant_count + d.n),"
            " remix_count = GREATEST(0, p.remix_count + d.r)"
            " FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS d(id, n, r) WHERE p.id = d.id",
            [ids, [descendants[i] for i in ids], [direct[i] for i in ids]],
        )


# --- where a post's files live (rule 10) ----------------------------------------------

# States a moderator can still bring back to published.
_RESTORABLE = frozenset({PostState.REMOVED_BY_MODERATION, PostState.HIDDEN_PENDING_REVIEW})


@transaction.atomic
def posts_media_place(*, post_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Put each post's video and poster where its state and visibility allow; call it, in the
    same transaction, after any change to either. Returns {id: (video, poster)} of the posts
    whose names changed.

    A post has its own copy of its generation's files (the generation keeps the
    original as the author's draft), under fresh random names:

    - published and public: `public/…`, fetched without authorization;
    - published, not public: `private/…`, reached only by signed URLs;
    - removed by moderation or hidden pending review: `quarantine/…`, never
      given to members (a restore moves it back under a fresh name);
    - removed for good (by its author, by a likeness owner): deleted.

    Every change moves or deletes the object before the change commits, so any
    URL minted before (public, signed or presigned) names a key that no longer
    exists once anyone can see the change; a rollback can at worst cost the post
    its files, never expose them. Files a post shares (its generation's draft,
    demo posts' common video) are copied, never moved or deleted.
    """
    from django.core.files.storage import default_storage

    from generation.models import GenerationJob
    from sora_social.common import storage as media

    if not post_ids:
        return {}
    posts = list(
        Post.objects.select_for_update()
        .filter(pk__in=post_ids)
        .only("id", "state", "visibility", "video", "poster", "generation_id")
        .order_by("id")
    )
    names = [n for p in posts for n in (p.video, p.poster) if n]
    if not names:
        return {}
    shared = {
        r["video"]
        for r in Post.objects.filter(video__in=names).values("video").annotate(n=Count("id"))
        if r["n"] > 1
    } | {
        r["poster"]
        for r in Post.objects.filter(poster__in=names).values("poster").annotate(n=Count("id"))
        if r["n"] > 1
    }
    for video, poster in GenerationJob.objects.filter(
        pk__in=[p.generation_id for p in posts if p.generation_id]
    ).values_list("video", "poster"):
        shared.update((video, poster))

    def where(name: str) -> str:
        if media.is_public(name):
            return media.PUBLIC
        return media.QUARANTINE if name.startswith(media.QUARANTINE) else media.PRIVATE

    def place(post: Post, name: str) -> str:
        if not name:
            return name
        if post.state == PostState.PUBLISHED:
            to = media.PUBLIC if post.visibility == Visibility.PUBLIC else media.PRIVATE
        elif post.state in _RESTORABLE:
            to = media.QUARANTINE
        else:
            to = None
        owned = name not in shared
        if to is None:
            if owned:
                default_storage.delete(name)
            return ""
        if owned and where(name) == to:
            return name
        return (media.move if owned else media.copy)(default_storage, name, to)

    changed = []
    for post in posts:
        video, poster = place(post, post.video), place(post, post.poster)
        if (video, poster) != (post.video, post.poster):
            post.video, post.poster = video, poster
            changed.append(post)
    if changed:
        Post.objects.bulk_update(changed, ["video", "poster"])
    return {p.id: (p.video, p.poster) for p in changed}


# --- removal ------------------------------------------------------------------------


def posts_remove(*, post_ids: list[int], to: str, cameo_id: int | None = None) -> dict[str, list[int]]:
    """Move `post_ids` to a removed state, with the descendants that inherit what was removed.

    - `removed_by_author`: the posts only (remixes are their authors' own work).
    - `removed_by_moderation`: published descendants become `hidden_pending_review`
      (rule 4), remembering which removal hid them.
    - `removed_by_likeness_owner`: descendants carrying `cameo_id` are removed too (rule 2).

    One UPDATE (a CTE locks the rows and keeps their old state), then one for
    the counters. Returns {"removed": [...], "descendants": [...]} of posts that moved.
    """
    if to not in (
        PostState.REMOVED_BY_AUTHOR,
        PostState.REMOVED_BY_MODERATION,
        PostState.REMOVED_BY_LIKENESS_OWNER,
    ):
        raise ValueError(f"not a removal: {to}")
    if not post_ids:
        return {"removed": [], "descendants": []}
    descendant_to = {
        PostState.REMOVED_BY_MODERATION: PostState.HIDDEN_PENDING_REVIEW,
        PostState.REMOVED_BY_LIKENESS_OWNER: PostState.REMOVED_BY_LIKENESS_OWNER,
    }.get(to)
    params: dict[str, Any] = {
        "ids": list(post_ids),
        "to": to,
        "from": sources_of(to),
        "now": timezone.now(),
        "cameo": cameo_id,
        "desc_to": descendant_to or "",
        "desc_from": sources_of(descendant_to) if descendant_to else [],
    }
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
    # `p.state = m.state` re-checks a row a concurrent writer changed meanwhile:
    # it moves only from the state this statement read (and counted).
    sql = f"""
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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        _adjust_lineage_counts([(path, -1) for _, old, path, _ in rows if old == PostState.PUBLISHED])
        posts_media_place(post_ids=[r[0] for r in rows])
        if to != PostState.REMOVED_BY_MODERATION:
            # Final removals keep no face embeddings of the video (moderation's may be restored).
            from cameos.services import output_faces_erase

            final = [pid for pid, _, _, target in rows if target or to == PostState.REMOVED_BY_LIKENESS_OWNER]
            output_faces_erase(kind="post", object_ids=final)
    return {
        "removed": sorted(pid for pid, _, _, target in rows if target),
        "descendants": sorted(pid for pid, _, _, target in rows if not target),
    }


def post_restore(*, post_id: int) -> dict[str, list[int]]:
    """Undo a moderation removal: the post and the remixes its removal hid come back (set-based)."""
    sql = """
    WITH moved AS (
        SELECT id, state, path FROM feed_post
        WHERE (id = %(id)s AND state = %(removed)s) OR (hidden_by_id = %(id)s AND state = %(hidden)s)
        FOR UPDATE
    )
    UPDATE feed_post p SET state = %(published)s, hidden_by_id = NULL, state_changed_at = %(now)s
    FROM moved m WHERE p.id = m.id
    RETURNING p.id, m.path
    """
    params = {
        "id": post_id,
        "removed": PostState.REMOVED_BY_MODERATION,
        "hidden": PostState.HIDDEN_PENDING_REVIEW,
        "published": PostState.PUBLISHED,
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        _adjust_lineage_counts([(path, +1) for _, path in rows])
        posts_media_place(post_ids=[pid for pid, _ in rows])
    return {"restored": sorted(pid for pid, _ in rows)}


def post_transition(*, post_id: int, to: str) -> Post:
    """One post to `to` under a row lock, if the table allows it (the review queue's single moves)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None:
            raise NotFound("No such post.", code="post_not_found")
        if not can_move(post.state, to):
            raise Conflict(f"A post cannot go from {post.state} to {to}.", code="invalid_post_transition")
        was_published = post.state == PostState.PUBLISHED
        Post.objects.filter(pk=post.id).update(state=to, state_changed_at=timezone.now(), hidden_by_id=None)
        if was_published != (to == PostState.PUBLISHED):
            _adjust_lineage_counts([(post.path, +1 if to == PostState.PUBLISHED else -1)])
        posts_media_place(post_ids=[post.id])
        post.refresh_from_db()
        return post


@transaction.atomic
def post_delete(*, author: Any, post_id: object) -> None:
    """The author deletes their post (others get 404, as for posts they cannot see)."""
    pk = parse_id(post_id)
    post = Post.objects.select_for_update().filter(pk=pk, author_id=author.id).first() if pk else None
    if post is None or post.state not in sources_of(PostState.REMOVED_BY_AUTHOR):
        raise NotFound("No such post.", code="post_not_found")
    posts_remove(post_ids=[post.id], to=PostState.REMOVED_BY_AUTHOR)


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
    from feed.models import (
        AuthorWeight,
        FeedBudget,
        FeedPreference,
        FollowingEntry,
        ForYouEntry,
        ForYouState,
        TopicWeight,
    )

    with transaction.atomic():
        post_ids = list(
            Post.objects.filter(author_id=user_id, state__in=sources_of(PostState.REMOVED_BY_AUTHOR))
            .order_by("id")
            .values_list("id", flat=True)
        )
        moved = posts_remove(post_ids=post_ids, to=PostState.REMOVED_BY_AUTHOR)
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH d AS (DELETE FROM feed_like WHERE user_id = %s RETURNING post_id)"
                " UPDATE feed_post p SET like_count = GREATEST(0, p.like_count - c.n)"
                " FROM (SELECT post_id, count(*) AS n FROM d GROUP BY post_id) c WHERE p.id = c.post_id",
                [user_id],
            )
            cursor.execute(
                "WITH d AS (DELETE FROM feed_comment WHERE author_id = %s RETURNING post_id, state)"
                " UPDATE feed_post p SET comment_count = GREATEST(0, p.comment_count - c.n)"
                " FROM (SELECT post_id, count(*) FILTER (WHERE state = %s) AS n FROM d GROUP BY post_id) c"
                " WHERE p.id = c.post_id AND c.n > 0",
                [user_id, Comment.State.VISIBLE],
            )
            cursor.execute(
                "WITH d AS (DELETE FROM feed_view WHERE viewer_id = %s RETURNING post_id)"
                " UPDATE feed_post p SET view_count = GREATEST(0, p.view_count - c.n)"
                " FROM (SELECT post_id, count(*) AS n FROM d GROUP BY post_id) c WHERE p.id = c.post_id",
                [user_id],
            )
        ForYouEntry.objects.filter(user_id=user_id).delete()
        ForYouState.objects.filter(user_id=user_id).delete()
        FollowingEntry.objects.filter(user_id=user_id).delete()
        AuthorWeight.objects.filter(user_id=user_id).delete()
        AuthorWeight.objects.filter(author_id=user_id).delete()
        TopicWeight.objects.filter(user_id=user_id).delete()
        FeedPreference.objects.filter(user_id=user_id).delete()
        FeedBudget.objects.filter(user_id=user_id).delete()
    return {"posts_removed": len(moved["removed"])}


# --- interactions --------------------------------------------------------------------


def _insert_returning(sql: str, params: list[Any]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


@transaction.atomic
def like_add(*, user: Any, post_id: object) -> dict[str, Any]:
    """Like a visible post; liking twice counts once (the unique pair decides under concurrency)."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    if _insert_returning(
        "INSERT INTO feed_like (id, post_id, user_id, created_at) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id",
        [new_id(), post.id, user.id, timezone.now()],
    ):
        Post.objects.filter(pk=post.id).update(like_count=F("like_count") + 1)
    return {"liked": True, "likes": Post.objects.values_list("like_count", flat=True).get(pk=post.id)}


@transaction.atomic
def like_remove(*, user: Any, post_id: object) -> dict[str, Any]:
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    if _insert_returning(
        "DELETE FROM feed_like WHERE post_id = %s AND user_id = %s RETURNING id", [post.id, user.id]
    ):
        Post.objects.filter(pk=post.id).update(like_count=F("like_count") - 1)
    return {"liked": False, "likes": Post.objects.values_list("like_count", flat=True).get(pk=post.id)}


def _refuse_mentions(mentioned: dict[int, str], refused: set[int]) -> None:
    names = sorted(mentioned[i] for i in mentioned if i in refused)
    if names:
        raise Forbidden(
            "You cannot mention these members.", code="mention_not_allowed", details={"mentions": names}
        )


def mentions_check(*, author: Any, text: str) -> None:
    """Refuse `@mentions` of members the author may not contact (teens who do not follow them, blocks)."""
    from sora_social.accounts.selectors import uncontactable_ids

    mentioned = mentioned_users(text=text)
    if mentioned:
        _refuse_mentions(mentioned, uncontactable_ids(sender=author, recipient_ids=mentioned))


@transaction.atomic
def comment_create(*, user: Any, post_id: object, text: str) -> Comment:
    """Comment on a visible post (blocked either way with the author: the post is 404)."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("A comment needs text.", code="comment_empty")
    if len(text) > 1000:
        raise ValidationFailed("Comments are at most 1000 characters.", code="comment_too_long")
    from sora_social.accounts.selectors import uncontactable_ids

    mentioned = mentioned_users(text=text)
    refused = uncontactable_ids(sender=user, recipient_ids={post.author_id, *mentioned})
    if post.author_id in refused:
        raise Forbidden("You cannot comment on this member's posts.", code="contact_not_allowed")
    _refuse_mentions(mentioned, refused)
    comment = Comment.objects.create(post_id=post.id, author_id=user.id, text=text)
    Post.objects.filter(pk=post.id).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def comment_set_state(*, comment_id: int, state: str) -> bool:
    """Hide or restore a comment (moderation); the post's count follows. True when it moved."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None or comment.state == state:
        return False
    visible_before = comment.state == Comment.State.VISIBLE
    Comment.objects.filter(pk=comment.pk).update(state=state)
    if visible_before != (state == Comment.State.VISIBLE):
        delta = 1 if state == Comment.State.VISIBLE else -1
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + delta)
    return True


@transaction.atomic
def view_record(*, user: Any, post_id: object) -> dict[str, Any]:
    """An impression: counted once per viewer per post per day."""
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    counted = _insert_returning(
        "INSERT INTO feed_view (id, post_id, viewer_id, day, created_at) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (post_id, viewer_id, day) DO NOTHING RETURNING id",
        [new_id(), post.id, user.id, timezone.localdate(), timezone.now()],
    )
    if counted:
        Post.objects.filter(pk=post.id).update(view_count=F("view_count") + 1)
    return {"counted": counted}


# --- steering ------------------------------------------------------------------------


def _move_weight(table: str, column: str, user_id: int, key: Any, delta: float) -> float:
    limit = settings.FEED_STEER_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, user_id, {column}, weight) VALUES (%s, %s, %s, GREATEST(%s, LEAST(%s, %s)))"  # noqa: S608
            f" ON CONFLICT (user_id, {column}) DO UPDATE SET"
            f" weight = GREATEST(%s, LEAST(%s, {table}.weight + %s)) RETURNING weight",
            [new_id(), user_id, key, -limit, limit, delta, -limit, limit, delta],
        )
        return float(cursor.fetchone()[0])


@transaction.atomic
def feedback_record(*, user: Any, post_id: object, signal: str) -> dict[str, Any]:
    """`more`/`less`: move this viewer's weight of the post's author and topic, and re-rank."""
    if signal not in ("more", "less"):
        raise ValidationFailed("signal is more or less.", code="invalid_signal")
    post = post_get(viewer=Viewer.of(user), post_id=post_id)
    delta = settings.FEED_STEER_STEP * (1 if signal == "more" else -1)
    body: dict[str, Any] = {"author_weight": None, "topic_weight": None}
    if post.author_id != user.id:
        body["author_weight"] = _move_weight(
            "feed_author_weight", "author_id", user.id, post.author_id, delta
        )
    if post.topic:
        body["topic"] = post.topic
        body["topic_weight"] = _move_weight("feed_topic_weight", "topic", user.id, post.topic, delta)
    if signal == "less":
        from feed.store import get_store

        transaction.on_commit(lambda: get_store().for_you_drop(user.id, [post.id]))

    enqueue_on_commit("feed.refresh_for_you", user_id=user.id)
    return body


@transaction.atomic
def preference_set(*, user: Any, text: str) -> FeedPreference:
    """Store a free-text preference; a feed worker embeds it and re-ranks."""
    text = (text or "").strip()
    if len(text) > 500:
        raise ValidationFailed("Preferences are at most 500 characters.", code="preference_too_long")
    pref, _ = FeedPreference.objects.update_or_create(user_id=user.id, defaults={"text": text})

    enqueue_on_commit("feed.embed_preference", user_id=user.id)
    return pref


def preference_embed(*, user_id: int) -> bool:
    """Embed a member's preference into "more" and "less" vectors (worker only). True when written."""
    from feed.embedding import embed, mean_vector, split_preference

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
    from feed.embedding import embed

    row = Post.objects.filter(pk=post_id, embedding__isnull=True).values("prompt", "caption", "topic").first()
    if row is None:
        return False
    text = " ".join(filter(None, [row["topic"], row["caption"], row["prompt"]])) or "video"
    return bool(Post.objects.filter(pk=post_id).update(embedding=embed([text])[0]))


def posts_embed_missing(*, limit: int = 500) -> int:
    """Embed recent posts that have no vector yet (beat; catches lost embed messages), batched."""
    from feed.embedding import embed

    rows = list(
        Post.objects.filter(embedding__isnull=True, state=PostState.PUBLISHED)
        .order_by("-id")
        .values("id", "prompt", "caption", "topic")[:limit]
    )
    if not rows:
        return 0
    vectors = embed(
        [" ".join(filter(None, [r["topic"], r["caption"], r["prompt"]])) or "video" for r in rows]
    )
    for row, vector in zip(rows, vectors, strict=True):
        Post.objects.filter(pk=row["id"]).update(embedding=vector)
    return len(rows)


# --- teen budget ---------------------------------------------------------------------


def feed_budget_reserve(*, user_id: int, want: int, budget: int) -> int:
    """Reserve up to `want` of today's feed items for a teen; returns how many were granted.

    The day's row is locked, so concurrent pages never serve past the budget.
    """
    today = timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO feed_budget (id, user_id, day, served) VALUES (%s, %s, %s, 0)"
                " ON CONFLICT (user_id, day) DO NOTHING",
                [new_id(), user_id, today],
            )
        row = FeedBudget.objects.select_for_update().get(user_id=user_id, day=today)
        granted = max(0, min(want, budget - row.served))
        if granted:
            FeedBudget.objects.filter(pk=row.pk).update(served=F("served") + granted)
        return granted


def feed_budget_refund(*, user_id: int, count: int) -> None:
    """Give back reserved items a page did not fill."""
    FeedBudget.objects.filter(user_id=user_id, day=timezone.localdate(), served__gte=count).update(
        served=F("served") - count
    )


# --- For you ranking (feed workers only) ---------------------------------------------


def for_you_refresh(*, user_id: int) -> int:
    """Rank a member's For you candidates and materialise them; user 0 is the shared set.

    Sources → one query loading every candidate through the viewer's
    visibility filter (blocks, moderation and consent states, teen rating) →
    score → mix (diversity, new creators) → store. Returns the items stored.
    """
    from cameos.models import Cameo
    from cameos.models.cameo import CameoState
    from feed import ranking, sources
    from feed.models import AuthorWeight, FeedPreference, TopicWeight
    from feed.selectors import visible_q
    from feed.store import Ranked, get_store
    from sora_social.accounts.models import User
    from sora_social.accounts.selectors import following_ids, teen_controls

    limit = settings.FEED_SOURCE_LIMIT
    tagged: dict[int, set[str]] = {}

    def add(name: str, ids: list[int]) -> None:
        for pid in ids:
            tagged.setdefault(pid, set()).add(name)

    if user_id == 0:
        viewer = Viewer(id=0, teen=True)  # the shared set is safe for everyone: no mature posts
        personal = False
    else:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return 0
        viewer = Viewer.of(user)
        controls = teen_controls(user_id=user_id) if viewer.teen else None
        personal = controls is None or controls.personalization_enabled
    pref = FeedPreference.objects.filter(user_id=user_id).first() if personal else None
    add("creation", sources.creation(limit))
    add("fresh", sources.fresh(limit // 3))
    add("new_creators", sources.new_creators(limit // 3))
    if personal:
        add("following", sources.following(user_id, limit))
        add("preference", sources.preference(pref, limit // 3))
        add("your_remixes", sources.your_remixes(user_id, limit // 3))
    if not tagged:
        get_store().for_you_replace(user_id, [])
        return 0

    qs = Post.objects.filter(visible_q(viewer, own=False), pk__in=list(tagged))
    fields = [
        "id", "author_id", "author__username", "author__date_joined", "created_at", "topic", "cameo_ids",
        "view_count", "like_count", "comment_count", "remix_count", "inspired_count",
    ]  # fmt: skip
    if pref is not None and pref.more is not None:
        qs = qs.annotate(more_d=CosineDistance("embedding", pref.more))
        fields.append("more_d")
    if pref is not None and pref.less is not None:
        qs = qs.annotate(less_d=CosineDistance("embedding", pref.less))
        fields.append("less_d")
    rows = list(qs.values(*fields))

    # Consent: a post carrying a cameo that is no longer verified (deleted, withdrawn) is left out.
    cameo_ids = {c for r in rows for c in r["cameo_ids"]}
    verified = (
        set(Cameo.objects.filter(pk__in=cameo_ids, state=CameoState.VERIFIED).values_list("id", flat=True))
        if cameo_ids
        else set()
    )
    rows = [r for r in rows if set(r["cameo_ids"]) <= verified]

    ids = [r["id"] for r in rows]
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = dict(
        Post.objects.filter(parent_id__in=ids, state=PostState.PUBLISHED, created_at__gte=day_start)
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    followed = following_ids(user_id=user_id) if personal else set()
    author_w: dict[int, float] = {}
    topic_w: dict[str, float] = {}
    if personal:
        author_w = dict(
            AuthorWeight.objects.filter(
                user_id=user_id, author_id__in={r["author_id"] for r in rows}
            ).values_list("author_id", "weight")
        )
        topic_w = dict(TopicWeight.objects.filter(user_id=user_id).values_list("topic", "weight"))

    weights = ranking.Weights.from_settings()
    now = timezone.now()
    new_since = now - dt.timedelta(days=settings.FEED_NEW_CREATOR_DAYS)
    candidates = []
    for r in rows:
        similarity = None
        if "more_d" in r and r["more_d"] is not None:
            similarity = 1 - r["more_d"]
            if r.get("less_d") is not None:
                similarity -= 1 - r["less_d"]
        c = ranking.Candidate(
            post_id=r["id"],
            author_id=r["author_id"],
            author_username=r["author__username"],
            created_at=r["created_at"],
            views=r["view_count"],
            likes=r["like_count"],
            comments=r["comment_count"],
            remixes=r["remix_count"],
            inspired=r["inspired_count"],
            remixes_today=today.get(r["id"], 0),
            followed=r["author_id"] in followed,
            similarity=similarity,
            author_weight=author_w.get(r["author_id"], 0.0),
            topic_weight=topic_w.get(r["topic"], 0.0) if r["topic"] else 0.0,
            new_creator=r["author__date_joined"] >= new_since,
            sources=tagged[r["id"]],
        )
        c.score = ranking.score(c, weights, now)
        candidates.append(c)
    mixed = ranking.mix(candidates, weights, settings.FEED_CANDIDATES_MAX)
    get_store().for_you_replace(user_id, [Ranked(c.post_id, c.score, ranking.reason(c)) for c in mixed])
    return len(mixed)


def following_fanout(*, post_id: int) -> int:
    """Push a new post onto its audience's Following lists (capped). Returns lists touched."""
    from feed.store import get_store
    from sora_social.accounts.selectors import follower_ids

    post = (
        Post.objects.filter(pk=post_id, state=PostState.PUBLISHED).values("author_id", "visibility").first()
    )
    if post is None or post["visibility"] == Visibility.PRIVATE:
        return 0
    followers = follower_ids(user_id=post["author_id"])
    if post["visibility"] == Visibility.CHOSEN:
        followers &= set(PostAudience.objects.filter(post_id=post_id).values_list("user_id", flat=True))
    if followers:
        get_store().following_push(sorted(followers), post_id)
    return len(followers)
