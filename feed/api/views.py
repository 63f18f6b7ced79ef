"""Feed endpoints: posts, interactions, lineage, feeds and steering. Thin: parse, call, shape.

Each view builds the `Viewer` once (`viewer_of`), calls selectors/services and
shapes the body with `feed.presenters`; listings are read as pagers and served
within the teen budget by `services.page_serve`.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from feed import presenters, selectors, services
from feed.services import MAX_AUDIENCE
from feed.states import Visibility
from sora_social.accounts.models import User
from sora_social.accounts.viewer import viewer_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import ValidationFailed
from sora_social.common.ids import ID_CHARS
from sora_social.common.pagination import page_limit
from sora_social.common.schema import component, page

_POST = component(
    "Post",
    {
        "id": serializers.CharField(),
        "author": component(
            "PostCardAuthor",
            {
                "id": serializers.CharField(),
                "username": serializers.CharField(),
                "display_name": serializers.CharField(allow_blank=True),
            },
        ),
        "caption": serializers.CharField(allow_blank=True),
        "topic": serializers.CharField(allow_blank=True, allow_null=True),
        "video_url": serializers.CharField(allow_null=True),
        "poster_url": serializers.CharField(allow_null=True),
        "visibility": serializers.ChoiceField(choices=Visibility.choices),
        "allow_remix": serializers.BooleanField(),
        "rating": serializers.CharField(allow_null=True),
        "state": serializers.CharField(),
        "remix_of": component(
            "PostRemixLabel",
            {
                "post_id": serializers.CharField(
                    allow_null=True, help_text="null when the parent is no longer published"
                ),
                "author": component(
                    "PostAuthor",
                    {"id": serializers.CharField(), "username": serializers.CharField()},
                    allow_null=True,
                ),
                "label": serializers.CharField(),
            },
            allow_null=True,
        ),
        "root_id": serializers.CharField(),
        "depth": serializers.IntegerField(),
        "cameos": serializers.ListField(child=serializers.DictField()),
        "counts": component(
            "PostCounts",
            {
                "likes": serializers.IntegerField(),
                "comments": serializers.IntegerField(),
                "views": serializers.IntegerField(),
                "remixes": serializers.IntegerField(),
                "descendants": serializers.IntegerField(),
            },
        ),
        "liked": serializers.BooleanField(),
        "created_at": serializers.DateTimeField(),
        "reason": serializers.CharField(required=False, help_text="Why this is shown (feeds only)"),
    },
)
_AUTHOR = component("PostAuthor", {"id": serializers.CharField(), "username": serializers.CharField()})
_LINK_FIELDS = {
    "id": serializers.CharField(),
    "author": _AUTHOR,
    "caption": serializers.CharField(),
    "poster_url": serializers.CharField(allow_null=True),
    "depth": serializers.IntegerField(),
    "created_at": serializers.DateTimeField(),
}
_LIKE = component("PostLikeState", {"liked": serializers.BooleanField(), "likes": serializers.IntegerField()})


def _comment_fields() -> dict[str, Any]:
    return {
        "id": serializers.CharField(),
        "author": component(
            "PostAuthor", {"id": serializers.CharField(), "username": serializers.CharField()}
        ),
        "text": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
    }


_COMMENT = component("Comment", _comment_fields())
_COMMENT_PAGE = component(
    "CommentPage",
    {
        "results": component("Comment", _comment_fields(), many=True),
        "next": serializers.CharField(allow_null=True),
    },
)
_VIEW = component("PostViewRecorded", {"counted": serializers.BooleanField()})
_LINEAGE = component(
    "PostLineage",
    {
        "post_id": serializers.CharField(),
        "depth": serializers.IntegerField(),
        "results": component("PostLineageLink", _LINK_FIELDS, many=True),
    },
)
_REMIXES = component(
    "PostRemixes",
    {
        "post_id": serializers.CharField(),
        "total": serializers.IntegerField(),
        "results": component(
            "PostRemixLink", {**_LINK_FIELDS, "parent_id": serializers.CharField()}, many=True
        ),
        "next": serializers.CharField(allow_null=True),
    },
)
_FEEDBACK = component(
    "FeedFeedbackResult",
    {
        "author_weight": serializers.FloatField(allow_null=True),
        "topic": serializers.CharField(required=False),
        "topic_weight": serializers.FloatField(allow_null=True),
    },
)
_PREFERENCE = component("FeedPreference", {"text": serializers.CharField()})
_PAGE = [
    OpenApiParameter("cursor", str, required=False),
    OpenApiParameter("limit", int, required=False),
]


def _member(request: Request) -> User:
    """The signed-in member (every feed endpoint requires authentication: the default permission)."""
    return cast(User, request.user)


def _page_args(request: Request) -> dict[str, Any]:
    return {
        "cursor": request.query_params.get("cursor"),
        "limit": page_limit(request.query_params.get("limit")),
    }


class PostCreateView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        generation_id = serializers.CharField(max_length=ID_CHARS)
        caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
        visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
        audience = serializers.ListField(
            child=serializers.CharField(max_length=ID_CHARS),
            required=False,
            default=list,
            max_length=MAX_AUDIENCE,
        )
        allow_remix = serializers.BooleanField(required=False, default=True)

    @extend_schema(request=InputSerializer, responses={201: _POST}, summary="Publish a finished generation")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.post_publish(author=_member(request), **data.validated_data)
        return Response(selectors.post_detail(viewer=viewer_of(request), post_id=post.id), status=201)


class PostDetailView(APIView):
    @extend_schema(responses={200: _POST}, summary="One post (remix label, cameo credits, counts)")
    def get(self, request: Request, post_id: str) -> Response:
        return Response(selectors.post_detail(viewer=viewer_of(request), post_id=post_id))

    @extend_schema(request=None, responses={204: None}, summary="Delete my post")
    def delete(self, request: Request, post_id: str) -> Response:
        services.post_delete(author=_member(request), post_id=post_id)
        return Response(status=204)


class PostLikeView(APIView):
    @extend_schema(request=None, responses=_LIKE, summary="Like a post")
    def post(self, request: Request, post_id: str) -> Response:
        likes = services.like_add(user=_member(request), post_id=post_id)
        return Response(presenters.like_state_out(liked=True, likes=likes))

    @extend_schema(request=None, responses={200: _LIKE}, summary="Unlike a post")
    def delete(self, request: Request, post_id: str) -> Response:
        likes = services.like_remove(user=_member(request), post_id=post_id)
        return Response(presenters.like_state_out(liked=False, likes=likes))


class PostCommentsView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        text = serializers.CharField(max_length=1000)

    @extend_schema(parameters=_PAGE, responses=_COMMENT_PAGE, summary="Comments on a post, newest first")
    def get(self, request: Request, post_id: str) -> Response:
        rows, next_cursor = selectors.comments(
            viewer=viewer_of(request), post_id=post_id, **_page_args(request)
        )
        return Response(presenters.comments_page_out(rows, next_cursor))

    @extend_schema(request=InputSerializer, responses={201: _COMMENT}, summary="Comment on a post")
    def post(self, request: Request, post_id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            user=_member(request), post_id=post_id, text=data.validated_data["text"]
        )
        return Response(presenters.comment_created_out(comment, _member(request)), status=201)


class PostViewsView(APIView):
    @extend_schema(request=None, responses=_VIEW, summary="Record an impression (once per viewer per day)")
    def post(self, request: Request, post_id: str) -> Response:
        counted = services.view_record(user=_member(request), post_id=post_id)
        return Response(presenters.view_recorded_out(counted=counted))


class PostLineageView(APIView):
    @extend_schema(responses=_LINEAGE, summary="A post's ancestors, root first")
    def get(self, request: Request, post_id: str) -> Response:
        viewer = viewer_of(request)
        post, ancestors, pager = selectors.lineage(viewer=viewer, post_id=post_id)
        served = services.page_serve(viewer=viewer, limit=len(ancestors), pager=pager) if ancestors else None
        return Response(presenters.lineage_out(post, served))


class PostRemixesView(APIView):
    @extend_schema(
        parameters=_PAGE, responses=_REMIXES, summary="A post's remixes at any depth, in tree order"
    )
    def get(self, request: Request, post_id: str) -> Response:
        viewer, args = viewer_of(request), _page_args(request)
        post, pager = selectors.remixes(viewer=viewer, post_id=post_id, cursor=args["cursor"])
        served = services.page_serve(viewer=viewer, limit=args["limit"], pager=pager)
        return Response(presenters.remixes_out(post, served))


class UserPostsView(APIView):
    @extend_schema(
        parameters=_PAGE, responses={200: page("PostPage", _POST)}, summary="A member's posts, newest first"
    )
    def get(self, request: Request, user_id: str) -> Response:
        viewer, args = viewer_of(request), _page_args(request)
        pager = selectors.user_posts(viewer=viewer, user_id=user_id, cursor=args["cursor"])
        return Response(
            presenters.page_out(services.page_serve(viewer=viewer, limit=args["limit"], pager=pager))
        )


class FeedView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=["for_you", "following"], required=False), *_PAGE],
        responses={
            200: component(
                "FeedPage",
                {
                    "results": component("Post", {}, many=True),
                    "next": serializers.CharField(allow_null=True),
                    "budget_exhausted": serializers.BooleanField(
                        required=False, help_text="Teens: today's feed budget is spent"
                    ),
                },
            )
        },
        summary="For you or Following (each item has a reason; teens: budget_exhausted)",
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "for_you")
        if kind not in ("for_you", "following"):
            raise ValidationFailed("kind is for_you or following.", code="invalid_feed_kind")
        viewer, args = viewer_of(request), _page_args(request)
        read = selectors.for_you if kind == "for_you" else selectors.following
        pager = read(viewer=viewer, cursor=args["cursor"])
        return Response(
            presenters.page_out(services.page_serve(viewer=viewer, limit=args["limit"], pager=pager))
        )


class FeedFeedbackView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        post_id = serializers.CharField(max_length=ID_CHARS)
        signal = serializers.ChoiceField(choices=["more", "less"])

    @extend_schema(request=InputSerializer, responses=_FEEDBACK, summary="More or less like this post")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            presenters.feedback_out(services.feedback_record(user=_member(request), **data.validated_data))
        )


class FeedPreferencesView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        text = serializers.CharField(allow_blank=True, max_length=500)

    @extend_schema(
        request=InputSerializer,
        responses=_PREFERENCE,
        summary="Free-text preference, e.g. more animation, less sports",
    )
    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pref = services.preference_set(user=_member(request), text=data.validated_data["text"])
        return Response(presenters.preference_out(pref))
