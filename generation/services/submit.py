"""Accepting a generation request: validate, resolve its inputs, check consent and quotas, queue it.

`job_submit` runs named steps: `_validate` (the request's own fields),
`_image_upload` and `_remix_source` (its inputs, the remix's inherited
cameos), `_safety_available` (fail closed when a classifier is missing),
then `checks.rules_at_submit` and, inside one transaction on the member's
row, quotas, consent and `_job_create`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from generation import checks
from generation.models import GenerationJob, ImageUpload
from generation.presenters import job_progress_event
from generation.remix import RemixSource, resolve_source
from generation.services.quotas import quota_cost, quotas_check
from generation.states import JobState
from moderation.services import classifiers_ready
from sora_social.accounts.models import User
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import ApplicationError, NotFound, ValidationFailed
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.ids import parse_id
from sora_social.common.tasks import enqueue_on_commit

ASPECT_SIZES = {"9:16": (9, 16), "16:9": (16, 9), "1:1": (1, 1)}
PROMPT_MAX = 1000


@dataclass(frozen=True)
class _Request:
    """A request's fields after defaults, as the steps see them."""

    mode: str
    prompt: str
    aspect: str
    duration_s: int
    style: str
    seed: int | None
    storyboard: tuple[tuple[str, int], ...] = ()  # (prompt, seconds) per shot


def _frame_size(aspect: str) -> tuple[int, int]:
    """Width and height for an aspect with the configured short side (even numbers, for H.264)."""
    w, h = ASPECT_SIZES[aspect]
    short = settings.GENERATION_SHORT_SIDE
    scale = short / min(w, h)
    return int(round(w * scale / 2) * 2), int(round(h * scale / 2) * 2)


def _safety_available() -> None:
    """Refuse at once (503) when a configured safety classifier is missing and fail-closed is on,
    rather than accept a job that could never pass its checks."""
    if not settings.SAFETY_FAIL_CLOSED:
        return
    ok, classifiers = classifiers_ready()
    if not ok:
        broken = sorted(
            name for name, entry in classifiers.items() if entry.get("state") in ("missing", "failed")
        )
        raise ApplicationError(
            "Safety checks are unavailable, so nothing can be generated right now.",
            code="safety_unavailable",
            status=503,
            details={"unavailable": broken},
        )


def _parse_cameo_ids(raw: list[Any] | None) -> list[int]:
    ids: list[int] = []
    for value in raw or []:
        parsed = parse_id(value)
        if parsed is None:
            raise NotFound("No such cameo.", code="cameo_not_found")
        if parsed not in ids:
            ids.append(parsed)
    return ids


def longest_clip(viewer: Viewer) -> int:
    """The longest clip (all shots together) this member may ask for (teens: shorter)."""
    if viewer.is_teen:
        return min(settings.GENERATION_MAX_DURATION_S, settings.GENERATION_MAX_DURATION_S_TEEN)
    return int(settings.GENERATION_MAX_DURATION_S)


def _duration_problem(request: _Request, longest: int) -> str | None:
    """What is wrong with the clip's length, if anything: a chosen length must be one of the
    offered ones (or the default); a storyboard's shots may split the length freely."""
    if request.duration_s > longest:
        return f"At most {longest} seconds for this account."
    offered = {int(d) for d in settings.GENERATION_DURATIONS} | {settings.GENERATION_DEFAULT_DURATION_S}
    if not request.storyboard and request.duration_s not in offered:
        return f"Use one of {', '.join(str(d) for d in sorted(offered))} seconds."
    if request.duration_s < 1:
        return "At least 1 second."
    return None


def _storyboard_problems(request: _Request) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not request.storyboard:
        return problems
    if len(request.storyboard) > settings.GENERATION_STORYBOARD_MAX_SHOTS:
        problems["storyboard"] = f"At most {settings.GENERATION_STORYBOARD_MAX_SHOTS} shots."
    for index, (prompt, seconds) in enumerate(request.storyboard):
        if not prompt.strip():
            problems[f"storyboard.{index}.prompt"] = "Each shot needs a prompt."
        elif len(prompt) > PROMPT_MAX:
            problems[f"storyboard.{index}.prompt"] = f"At most {PROMPT_MAX} characters."
        if seconds < 1:
            problems[f"storyboard.{index}.duration_s"] = "At least 1 second."
    return problems


def _validate(request: _Request, *, image_upload_id: Any, remix_of: Any, longest: int) -> None:
    """400 with every problem of the request's own fields at once."""
    mode, prompt, aspect = request.mode, request.prompt, request.aspect
    problems: dict[str, str] = _storyboard_problems(request)
    if mode not in GenerationJob.Mode.values:
        problems["mode"] = "Use text, image or remix."
    if mode == GenerationJob.Mode.TEXT and not prompt:
        problems["prompt"] = "A text generation needs a prompt (or a storyboard)."
    if len(prompt) > PROMPT_MAX * max(1, len(request.storyboard)):
        problems["prompt"] = f"At most {PROMPT_MAX} characters."
    if aspect not in ASPECT_SIZES:
        problems["aspect"] = "Use 9:16, 16:9 or 1:1."
    duration = _duration_problem(request, longest)
    if duration:
        problems["duration_s"] = duration
    if mode == GenerationJob.Mode.IMAGE and image_upload_id is None:
        problems["image_upload_id"] = "An image generation needs an uploaded image."
    if mode == GenerationJob.Mode.REMIX and remix_of is None:
        problems["remix_of"] = "A remix needs the post it remixes."
    if problems:
        raise ValidationFailed(details=problems)


def _image_upload(*, user: User, image_upload_id: Any) -> ImageUpload:
    """The member's upload for an image generation: 404 if not theirs, 400 with its reason if rejected."""
    upload_pk = parse_id(image_upload_id)
    upload = ImageUpload.objects.filter(pk=upload_pk, user_id=user.id).first() if upload_pk else None
    if upload is None:
        raise NotFound("No such upload.", code="upload_not_found")
    if upload.state == ImageUpload.State.REJECTED:
        raise ValidationFailed(
            "The uploaded image could not be decoded; upload another.",
            code=upload.reason or "corrupt_image",
            details={"image_upload_id": upload.reason or "corrupt_image"},
        )
    return upload


def _remix_source(*, user: User, remix_of: Any) -> RemixSource:
    """The post a remix remixes, as the feed's resolver answers for this member."""
    post_id = parse_id(remix_of)
    if post_id is None:
        raise NotFound("No such post to remix.", code="remix_source_not_found")
    return resolve_source(post_id=post_id, user=user)


def _job_create(
    *,
    user: User,
    request: _Request,
    cameo_ids: list[int],
    upload: ImageUpload | None,
    source: RemixSource | None,
) -> GenerationJob:
    """The queued job row, its first progress event and its message to the media queue (on commit)."""
    width, height = _frame_size(request.aspect)
    now = timezone.now()
    job = GenerationJob.objects.create(
        user_id=user.id,
        mode=request.mode,
        prompt=request.prompt,
        style=(request.style or "")[:40],
        seed=request.seed if request.seed is not None else secrets.randbits(31),
        duration_s=request.duration_s,
        storyboard=[{"prompt": p, "duration_s": d} for p, d in request.storyboard],
        quota_cost=quota_cost(request.duration_s),
        aspect=request.aspect,
        width=width,
        height=height,
        fps=settings.GENERATION_FPS,
        image_upload=upload,
        remix_of_post_id=source.post_id if source else None,
        remix_parent_video=source.video if source else "",
        remix_parent_title=source.title if source else "",
        cameo_ids=cameo_ids,
        state=JobState.QUEUED,
        state_changed_at=now,
        heartbeat_at=now,
        # A setting declared with a default (env_str) is never None; its type cannot say so.
        backend=cast(str, settings.GENERATION_BACKEND),
    )
    send_user_event_on_commit(
        user.id, job_progress_event(job_id=job.id, state=job.state, progress=job.progress)
    )
    enqueue_on_commit("generation.advance", job_id=job.id)
    return job


def _request_of(
    *,
    mode: str,
    prompt: str,
    duration_s: int | None,
    aspect: str | None,
    style: str,
    seed: int | None,
    storyboard: list[dict[str, Any]] | None,
) -> _Request:
    """The request after defaults. With a storyboard the job's prompt is its shots' prompts, one
    per line (what the prompt checks and owner rules read whole), and its length their sum."""
    shots = tuple(
        (str(s.get("prompt") or "").strip(), int(s.get("duration_s") or 0)) for s in storyboard or []
    )
    text = (prompt or "").strip()
    if shots:
        text = "\n".join(p for p, _ in shots)
        duration_s = sum(d for _, d in shots)
    return _Request(
        mode=mode,
        prompt=text,
        aspect=aspect or GenerationJob.Aspect.PORTRAIT,
        duration_s=duration_s or settings.GENERATION_DEFAULT_DURATION_S,
        style=style,
        seed=seed,
        storyboard=shots,
    )


def job_submit(
    *,
    user: User,
    mode: str,
    prompt: str = "",
    image_upload_id: Any = None,
    remix_of: Any = None,
    cameos: list[Any] | None = None,
    duration_s: int | None = None,
    aspect: str | None = None,
    style: str = "",
    seed: int | None = None,
    storyboard: list[dict[str, Any]] | None = None,
) -> GenerationJob:
    """Accept a generation request (rule 1 consent, quotas) and queue it; answers the new job."""
    if storyboard and ((prompt or "").strip() or duration_s):
        raise ValidationFailed(
            details={
                "storyboard": "With a storyboard, give each shot's prompt and length, not prompt or duration_s."
            }
        )
    request = _request_of(
        mode=mode,
        prompt=prompt,
        duration_s=duration_s,
        aspect=aspect,
        style=style,
        seed=seed,
        storyboard=storyboard,
    )
    viewer = Viewer.of(user)
    _validate(request, image_upload_id=image_upload_id, remix_of=remix_of, longest=longest_clip(viewer))
    cameo_ids = _parse_cameo_ids(cameos)
    upload = (
        _image_upload(user=user, image_upload_id=image_upload_id)
        if mode == GenerationJob.Mode.IMAGE
        else None
    )
    source = _remix_source(user=user, remix_of=remix_of) if mode == GenerationJob.Mode.REMIX else None
    if source is not None:
        # A remix carries its source's cameos: each needs consent in its own right.
        cameo_ids += [c for c in source.cameo_ids if c not in cameo_ids]
    _safety_available()
    checks.rules_at_submit(user_id=user.id, cameo_ids=cameo_ids, prompt=request.prompt)
    with transaction.atomic():
        # One member's submissions are serialised on their row, so concurrent
        # requests cannot both pass the same quota (NO KEY: rows pointing at the
        # member may still commit meanwhile; see accounts.services.counters).
        User.objects.select_for_update(no_key=True).filter(pk=user.id).first()
        quotas_check(viewer=viewer, cost=quota_cost(request.duration_s))
        checks.consent_at_submit(user_id=user.id, cameo_ids=cameo_ids)
        return _job_create(user=user, request=request, cameo_ids=cameo_ids, upload=upload, source=source)
