"""Publishing a finished generation as a post: `post_publish`, in named steps.

Validate the input → claim the generation (`generation.services.job_claim_for_publish`:
locked, the author's, finished) → check it is not yet published and still publishable → check every likeness it carries has
consent → place it under its remix parent → create the post, its audience,
counters (lineage, the author's post count, hashtags), files and appearances → enqueue fan-out and embedding.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cameos.selectors import cameos_in_object, may_cast
from cameos.services import appearance_record
from feed.models import Post, PostAudience, UnpublishableDraft, path_segment
from feed.services.counters import post_counters_adjust, post_hashtags_link
from feed.services.lineage import lineage_counts_adjust
from feed.services.media import posts_media_place
from feed.services.mentions import mentions_check
from feed.services.notices import notify_remix
from feed.states import PostState, Rating, Visibility
from generation.services import job_claim_for_publish
from moderation.services import content_rating
from sora_social.accounts.models import User
from sora_social.accounts.selectors import active_user_ids, uncontactable_ids
from sora_social.common.errors import Conflict, Forbidden, ValidationFailed
from sora_social.common.ids import new_id, parse_id
from sora_social.common.tasks import enqueue_on_commit

if TYPE_CHECKING:
    from generation.models import GenerationJob

MAX_AUDIENCE = 200
_HASHTAG = re.compile(r"#(\w{1,40})")
_CONSENT_WITHDRAWN = "A cameo's owner withdrew consent for this video."


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
        merged = {c: max(float(s.get(c, 0.0)) for s in scores) for s in scores for c in s}
        return Rating(content_rating(scores=merged))
    return Rating.GENERAL


def _audience_ids(visibility: str, audience: list[Any] | None, author: User) -> list[int]:
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
    chosen = {i for i in ids if i is not None}
    chosen.discard(author.pk)
    found = active_user_ids(user_ids=chosen)
    # Sharing with chosen people reaches them like a message: members the author
    # may not contact (teens who do not follow them, blocks) answer as unknown.
    if found != chosen or uncontactable_ids(sender=author, recipient_ids=chosen):
        raise ValidationFailed("Unknown people in the audience.", code="audience_unknown_users")
    return sorted(chosen)


def _publishable_check(job: GenerationJob) -> None:
    """Not published yet, and no cameo owner withdrew consent for the draft."""
    if Post.objects.filter(generation_id=job.id).exists():
        raise Conflict("This generation is already published.", code="already_published")
    if UnpublishableDraft.objects.filter(job_id=job.id).exists():
        raise Forbidden(_CONSENT_WITHDRAWN, code="cameo_consent_withdrawn")


def _consent_check(*, author: User, job: GenerationJob) -> dict[int, str]:
    """Every likeness the video carries may be cast by the author now; returns them {cameo: source}."""
    for cameo_id in job.cameo_ids:
        if not may_cast(user_id=author.pk, cameo_id=cameo_id, lock=True):
            raise Forbidden(_CONSENT_WITHDRAWN, code="cameo_consent_withdrawn")
    # A likeness found in the video but never cast (its owner enrolled after the
    # draft was made) needs consent at publish just the same (rule 3).
    carried = cameos_in_object(kind="generation", object_id=job.id)
    detected = sorted(c for c in carried if c not in job.cameo_ids)
    without = [c for c in detected if not may_cast(user_id=author.pk, cameo_id=c, lock=True)]
    if without:
        raise Forbidden(
            "This video shows someone who has not agreed to appear in it.",
            code="cameo_likeness_without_consent",
            details={"cameos": [str(c) for c in without]},
        )
    for cameo_id in job.cameo_ids:
        carried.setdefault(cameo_id, "cast")
    return carried


@dataclass(frozen=True)
class _Placement:
    parent: Post | None
    state: str
    hidden_by: int | None


def _placement(job: GenerationJob) -> _Placement:
    """Where a remix goes: under its parent, born hidden pending review when the parent was
    removed for a policy violation (refused when a likeness it shares was taken down)."""
    parent = Post.objects.filter(pk=job.remix_of_post_id).first() if job.remix_of_post_id else None
    if parent is None:
        return _Placement(None, PostState.PUBLISHED, None)
    if parent.state == PostState.REMOVED_BY_LIKENESS_OWNER and set(parent.cameo_ids) & set(job.cameo_ids):
        raise Conflict("The post this remixes was taken down.", code="remix_source_removed")
    if parent.state in (PostState.REMOVED_BY_MODERATION, PostState.HIDDEN_PENDING_REVIEW):
        return _Placement(parent, PostState.HIDDEN_PENDING_REVIEW, parent.hidden_by_id or parent.id)
    return _Placement(parent, PostState.PUBLISHED, None)


def _post_create(
    *, author: User, job: GenerationJob, at: _Placement, caption: str, visibility: str, allow_remix: bool
) -> Post:
    post_id = new_id()
    parent = at.parent
    return Post.objects.create(
        id=post_id,
        author_id=author.pk,
        generation_id=job.id,
        video=job.video,
        poster=job.poster,
        prompt=job.prompt,
        caption=caption,
        topic=_topic(job.style, caption),
        visibility=visibility,
        allow_remix=allow_remix,
        rating=_rating(job.checks),
        state=at.state,
        hidden_by_id=at.hidden_by,
        cameo_ids=list(job.cameo_ids),
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else post_id,
        depth=parent.depth + 1 if parent else 0,
        path=(parent.path if parent else "") + path_segment(post_id),
    )


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


def _post_settle(*, post: Post, author: User, audience_ids: list[int], carried: dict[int, str]) -> None:
    """After the row exists: its audience, the lineage and inspiration counters, its own files,
    and an appearance per likeness it carries (cast or detected)."""
    if audience_ids:
        PostAudience.objects.bulk_create(PostAudience(post_id=post.id, user_id=u) for u in audience_ids)
    if post.parent_id is not None and post.state == PostState.PUBLISHED:
        lineage_counts_adjust([(post.path, +1)])
    post_hashtags_link(post_id=post.id, caption=post.caption)
    if post.state == PostState.PUBLISHED:
        post_counters_adjust(post_ids=[post.id], delta=+1)
    _credit_views(author_id=author.pk, post_id=post.id)
    post.video, post.poster = posts_media_place(post_ids=[post.id]).get(post.id, (post.video, post.poster))
    for cameo_id, source in carried.items():
        appearance_record(
            cameo_id=cameo_id, kind="post", object_id=post.id, source=source, creator_id=author.pk
        )


def post_publish(
    *,
    author: User,
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
    if visibility not in Visibility.values:
        raise ValidationFailed("Unknown visibility.", code="invalid_visibility")
    caption = (caption or "").strip()
    if len(caption) > 500:
        raise ValidationFailed("Captions are at most 500 characters.", code="caption_too_long")
    mentions_check(author=author, text=caption)
    audience_ids = _audience_ids(visibility, audience, author)
    try:
        with transaction.atomic():
            job = job_claim_for_publish(job_id=parse_id(generation_id), user_id=author.pk)
            _publishable_check(job)
            carried = _consent_check(author=author, job=job)
            at = _placement(job)
            post = _post_create(
                author=author, job=job, at=at, caption=caption, visibility=visibility, allow_remix=allow_remix
            )
            _post_settle(post=post, author=author, audience_ids=audience_ids, carried=carried)
            if post.state == PostState.PUBLISHED:
                notify_remix(remix=post)
    except IntegrityError:
        # Two publishes of one generation at once: the unique constraint decides.
        raise Conflict("This generation is already published.", code="already_published") from None

    enqueue_on_commit("feed.fanout_post", post_id=post.id)
    enqueue_on_commit("feed.embed_post", post_id=post.id)
    return post
