"""Direct-message endpoints: threads, messages, read state, requests. Thin: parse, call, shape.

Every thread URL answers 404 to anyone who is not in the thread (inbox or
requests), so thread ids do not leak. Links and images are not accepted yet:
a body carrying a file or an attachment field is refused with 400
`attachments_not_allowed`, text with a link with 400 `links_not_allowed`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from messaging import presenters, selectors, services
from messaging.services.checks import MAX_TEXT
from messaging.states import MemberState, MessageState, ThreadKind, ThreadState
from sora_social.accounts.viewer import viewer_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import ValidationFailed
from sora_social.common.ids import ID_CHARS
from sora_social.common.pagination import page_limit
from sora_social.common.schema import component, page, page_parameters

_USER = {
    "id": serializers.CharField(),
    "username": serializers.CharField(),
    "display_name": serializers.CharField(allow_blank=True),
}
_THREAD = component(
    "Thread",
    {
        "id": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=ThreadKind.values),
        "title": serializers.CharField(allow_blank=True),
        "state": serializers.ChoiceField(choices=ThreadState.values, help_text="ended: nobody can send"),
        "members": component(
            "ThreadMemberOut",
            {**_USER, "pending": serializers.BooleanField(help_text="has not accepted the request yet")},
            many=True,
        ),
        "last_message": component(
            "ThreadLastMessage",
            {
                "id": serializers.CharField(),
                "sender_id": serializers.CharField(),
                "text": serializers.CharField(allow_blank=True),
                "has_shared_post": serializers.BooleanField(),
                "state": serializers.ChoiceField(choices=MessageState.values),
                "created_at": serializers.DateTimeField(),
            },
            allow_null=True,
        ),
        "unread_count": serializers.IntegerField(),
        "muted": serializers.BooleanField(),
        "request": serializers.BooleanField(help_text="in my requests until I accept"),
        "created_at": serializers.DateTimeField(),
    },
)
_MESSAGE = component(
    "Message",
    {
        "id": serializers.CharField(),
        "thread_id": serializers.CharField(),
        "sender": component("MessageSender", _USER),
        "text": serializers.CharField(allow_blank=True, help_text="empty once deleted or removed"),
        "shared_post": component(
            "SharedPost",
            {
                "available": serializers.BooleanField(help_text="false: a post I may not see (or gone)"),
                "post": component("Post", {}, allow_null=True),
            },
            allow_null=True,
        ),
        "state": serializers.ChoiceField(choices=MessageState.values),
        "created_at": serializers.DateTimeField(),
    },
)
_READ = component(
    "ThreadReadState",
    {
        "thread_id": serializers.CharField(),
        "unread_count": serializers.IntegerField(),
        "last_read_id": serializers.CharField(),
    },
)
_MEMBERSHIP = component(
    "ThreadMembership",
    {
        "thread_id": serializers.CharField(),
        "state": serializers.ChoiceField(choices=MemberState.values),
        "muted": serializers.BooleanField(),
    },
)
_ATTACHMENTS = {"image", "images", "attachment", "attachments", "media", "photo", "video", "file", "files"}


def _no_attachments(request: Request) -> None:
    """Images and files are not allowed in direct messages (yet): a clear 400, nothing stored."""
    keys = set(request.data.keys()) if hasattr(request.data, "keys") else set()
    if request.FILES or keys & _ATTACHMENTS:
        raise ValidationFailed(
            "Images and files are not allowed in direct messages; share a post instead.",
            code="attachments_not_allowed",
        )


def _message_fields() -> dict[str, Any]:
    return {
        "text": serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT),
        "post_id": serializers.CharField(
            required=False, max_length=ID_CHARS, help_text="a post to share (one I can see)"
        ),
    }


def _thread_body(request: Request, thread_id: object) -> dict[str, Any]:
    viewer = viewer_of(request)
    row, members = selectors.thread_detail(viewer=viewer, thread_id=thread_id)
    return presenters.thread_out(row, members, viewer.blocked_ids)


class ThreadsView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        member_ids = serializers.ListField(
            child=serializers.CharField(max_length=ID_CHARS),
            min_length=1,
            max_length=9,
            help_text="one member: the 1:1 thread (found or made); more, or a title: a new group",
        )
        title = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)
        text = _message_fields()["text"]
        post_id = _message_fields()["post_id"]

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=["inbox", "requests"], required=False),
            *page_parameters(),
        ],
        responses={200: page("ThreadPage", _THREAD)},
        summary="My threads (inbox, or requests from people I do not follow), latest activity first",
    )
    def get(self, request: Request) -> Response:
        viewer = viewer_of(request)
        rows, members, next_cursor = selectors.threads_page(
            viewer=viewer,
            box=request.query_params.get("box", "inbox"),
            cursor=request.query_params.get("cursor"),
            limit=page_limit(request.query_params.get("limit")),
        )
        return Response(presenters.threads_page_out(rows, members, next_cursor, viewer.blocked_ids))

    @extend_schema(
        request=InputSerializer,
        responses={200: _THREAD, 201: _THREAD},
        summary="Start a thread (200 with the existing 1:1 thread), optionally with a first message",
    )
    def post(self, request: Request) -> Response:
        _no_attachments(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread, created = services.thread_start(viewer=viewer_of(request), **data.validated_data)
        return Response(_thread_body(request, thread.pk), status=201 if created else 200)


class ThreadDetailView(APIView):
    @extend_schema(responses=_THREAD, summary="One of my threads")
    def get(self, request: Request, thread_id: str) -> Response:
        return Response(_thread_body(request, thread_id))


class ThreadMessagesView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        text = _message_fields()["text"]
        post_id = _message_fields()["post_id"]

    @extend_schema(
        parameters=page_parameters(),
        responses={200: page("MessagePage", _MESSAGE)},
        summary="A thread's messages, newest first",
    )
    def get(self, request: Request, thread_id: str) -> Response:
        _member, messages, cards, next_cursor = selectors.messages_page(
            viewer=viewer_of(request),
            thread_id=thread_id,
            cursor=request.query_params.get("cursor"),
            limit=page_limit(request.query_params.get("limit")),
        )
        return Response(presenters.messages_page_out(messages, cards, next_cursor))

    @extend_schema(
        request=InputSerializer, responses={201: _MESSAGE}, summary="Send text and/or share a post"
    )
    def post(self, request: Request, thread_id: str) -> Response:
        _no_attachments(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        viewer = viewer_of(request)
        message = services.message_send(viewer=viewer, thread_id=thread_id, **data.validated_data)
        _member, messages, cards, _next = selectors.messages_page(
            viewer=viewer, thread_id=thread_id, cursor=None, limit=1
        )
        found = next((m for m in messages if m.pk == message.pk), message)
        return Response(presenters.message_out(found, cards), status=201)


class ThreadMessageView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Delete my message (its content is gone)")
    def delete(self, request: Request, thread_id: str, message_id: str) -> Response:
        services.message_delete(viewer=viewer_of(request), thread_id=thread_id, message_id=message_id)
        return Response(status=204)


class ThreadReadView(APIView):
    @extend_schema(request=None, responses=_READ, summary="Mark the thread read (my unread count is 0)")
    def post(self, request: Request, thread_id: str) -> Response:
        return Response(
            presenters.read_out(services.thread_read(viewer=viewer_of(request), thread_id=thread_id))
        )


class ThreadLeaveView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Leave the thread (a 1:1 thread ends)")
    def post(self, request: Request, thread_id: str) -> Response:
        services.thread_leave(viewer=viewer_of(request), thread_id=thread_id)
        return Response(status=204)


class ThreadMuteView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        muted = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=_MEMBERSHIP, summary="Mute or unmute the thread")
    def post(self, request: Request, thread_id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.thread_mute(
            viewer=viewer_of(request), thread_id=thread_id, muted=data.validated_data["muted"]
        )
        return Response(presenters.membership_out(row))


class ThreadAcceptView(APIView):
    @extend_schema(request=None, responses=_MEMBERSHIP, summary="Accept a message request (into my inbox)")
    def post(self, request: Request, thread_id: str) -> Response:
        row = services.request_accept(viewer=viewer_of(request), thread_id=thread_id)
        return Response(presenters.membership_out(row))


class ThreadDeclineView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Decline a message request")
    def post(self, request: Request, thread_id: str) -> Response:
        services.request_decline(viewer=viewer_of(request), thread_id=thread_id)
        return Response(status=204)
