"""Generation endpoints: submit, list, read, cancel, appeal a prompt block, and image uploads. Thin: parse, call, shape."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from generation import presenters, selectors, services
from generation.models import GenerationJob, ImageUpload
from moderation.presenters import prompt_appeal_out
from sora_social.accounts.models import User
from sora_social.common.api.base import APIView
from sora_social.common.ids import ID_CHARS
from sora_social.common.pagination import CursorPagination
from sora_social.common.schema import component, page, page_parameters

_JOB = component(
    "Generation",
    {
        "id": serializers.CharField(),
        "mode": serializers.ChoiceField(choices=GenerationJob.Mode.choices),
        "state": serializers.CharField(help_text="queued … ready, or blocked / failed / cancelled"),
        "progress": serializers.FloatField(min_value=0, max_value=1),
        "prompt": serializers.CharField(allow_blank=True),
        "style": serializers.CharField(allow_blank=True),
        "seed": serializers.IntegerField(),
        "duration_s": serializers.IntegerField(),
        "storyboard": serializers.ListField(
            child=inline_serializer(
                "StoryboardShot",
                {"prompt": serializers.CharField(), "duration_s": serializers.IntegerField()},
            ),
            help_text="The shots in order (empty for a single clip).",
        ),
        "aspect": serializers.CharField(),
        "width": serializers.IntegerField(),
        "height": serializers.IntegerField(),
        "fps": serializers.IntegerField(),
        "cameos": serializers.ListField(child=serializers.CharField()),
        "remix_of": serializers.CharField(allow_null=True),
        "image_upload_id": serializers.CharField(allow_null=True),
        "created_at": serializers.DateTimeField(),
        "state_changed_at": serializers.DateTimeField(),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "video_url": serializers.CharField(allow_null=True),
        "poster_url": serializers.CharField(allow_null=True),
        "blocked_reason": serializers.CharField(allow_null=True),
        "blocked_detail": serializers.JSONField(
            allow_null=True, help_text="For cameo_rule_violation: {cameo, rule, rule_text}."
        ),
    },
)


def _member(request: Request) -> User:
    """The signed-in member: every view here requires one (IsAuthenticated), which the type cannot know."""
    return cast(User, request.user)


class ShotSerializer(serializers.Serializer[Any]):
    prompt = serializers.CharField(max_length=1000, help_text="What this shot shows; checked on its own.")
    duration_s = serializers.IntegerField(min_value=1, max_value=600, help_text="Seconds of this shot.")


class GenerationListCreateView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        mode = serializers.ChoiceField(choices=GenerationJob.Mode.choices)
        prompt = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
        image_upload_id = serializers.CharField(
            required=False, allow_null=True, default=None, max_length=ID_CHARS
        )
        remix_of = serializers.CharField(required=False, allow_null=True, default=None, max_length=ID_CHARS)
        cameos = serializers.ListField(
            child=serializers.CharField(max_length=ID_CHARS), required=False, default=list, max_length=8
        )
        duration_s = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=600
        )
        aspect = serializers.ChoiceField(choices=GenerationJob.Aspect.choices, required=False, default=None)
        # The API's field is `style`; it shadows DRF's Field.style (render hints), unused on input.
        style = serializers.CharField(  # type: ignore[assignment]
            required=False, allow_blank=True, max_length=40, default=""
        )
        seed = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=0, max_value=2**62
        )
        storyboard = ShotSerializer(  # type: ignore[call-arg]  # many=True makes a ListSerializer
            many=True,
            required=False,
            min_length=1,
            max_length=6,
            help_text="1–6 shots rendered in order and joined into one clip; the job's prompt is "
            "their prompts and its length their sum (at most the account's longest clip). Leave "
            "`prompt` and `duration_s` out.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={202: _JOB},
        summary="Start a generation",
        description="`duration_s` is one of the offered lengths (10, 15, 25 s by default; teens at "
        "most 15), each costing ceil(seconds / 10) units of the daily quota. A `storyboard` "
        "replaces `prompt` and `duration_s`.",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.job_submit(user=_member(request), **data.validated_data)
        return Response(presenters.job_out(job), status=202)

    @extend_schema(
        parameters=page_parameters(),
        responses={200: page("GenerationPage", _JOB)},
        summary="My generations, newest first",
    )
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        page = paginator.paginate_queryset(selectors.jobs_for_user(user=_member(request)), request, view=self)
        return paginator.get_paginated_response([presenters.job_out(job) for job in page or []])


class GenerationDetailView(APIView):
    @extend_schema(responses={200: _JOB}, summary="One generation (video_url when ready)")
    def get(self, request: Request, job_id: str) -> Response:
        return Response(presenters.job_out(selectors.job_get(user=_member(request), job_id=job_id)))

    @extend_schema(request=None, responses={200: _JOB}, summary="Cancel a generation")
    def delete(self, request: Request, job_id: str) -> Response:
        return Response(presenters.job_out(services.job_cancel(user=_member(request), job_id=job_id)))


_APPEAL = component(
    "PromptAppeal",
    {
        "id": serializers.CharField(),
        "generation_id": serializers.CharField(),
        "state": serializers.ChoiceField(choices=["pending", "overturned", "upheld"]),
        "note": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "decided_at": serializers.DateTimeField(allow_null=True),
    },
)


class GenerationAppealView(APIView):
    """The owner appeals the prompt check's block of their generation, once; a moderator decides."""

    class InputSerializer(serializers.Serializer[Any]):
        note = serializers.CharField(min_length=1, max_length=1000, help_text="Why the block was wrong.")

    @extend_schema(
        request=InputSerializer,
        responses={201: _APPEAL},
        summary="Appeal a prompt block",
        description="Only for the member's own generation in state `blocked` by the prompt check "
        "(`blocked_reason` `prompt_not_allowed…` or `dialogue_not_allowed…`); other jobs are 409 "
        "`not_appealable`, a second appeal 409 `already_appealed`, someone else's job 404. The appeal "
        "opens a moderation case; when a moderator overturns the block the member may run the same "
        "prompt again (WebSocket `moderation.appeal_decided` either way).",
    )
    def post(self, request: Request, job_id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.job_appeal(user=_member(request), job_id=job_id, note=data.validated_data["note"])
        return Response(prompt_appeal_out(appeal), status=201)


class UploadCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField()

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={
            201: inline_serializer(
                "ImageUpload",
                {
                    "id": serializers.CharField(),
                    "content_type": serializers.CharField(),
                    "width": serializers.IntegerField(),
                    "height": serializers.IntegerField(),
                    "url": serializers.CharField(help_text="Signed; lives MEDIA_URL_TTL_S seconds."),
                    "size_bytes": serializers.IntegerField(),
                    "state": serializers.ChoiceField(
                        choices=ImageUpload.State.choices,
                        help_text="`pending` until a worker has decoded the image; then `ready` or `rejected` "
                        "(WebSocket `upload.ready` / `upload.rejected`).",
                    ),
                },
            )
        },
        summary="Upload a still for image-to-video",
        description="Checks size, format and dimensions from the header only and stores the image as "
        "`pending`; a worker decodes it within budget. A generation from a `rejected` upload is a 400 "
        "with its reason (e.g. `corrupt_image`).",
    )
    def post(self, request: Request) -> Response:
        upload = services.upload_create(user=_member(request), file=request.FILES.get("file"))
        return Response(presenters.upload_out(upload), status=201)
