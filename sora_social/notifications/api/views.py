"""My notifications (grouped list, unread count, mark read), my preferences, my push devices."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.accounts.viewer import member_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import ValidationFailed
from sora_social.common.ids import ID_CHARS, parse_id
from sora_social.common.pagination import page_limit
from sora_social.common.schema import page, page_parameters
from sora_social.notifications import kinds, presenters, selectors, services
from sora_social.notifications.api.serializers import (
    device_schema,
    group_schema,
    marked_schema,
    preferences_schema,
    unread_schema,
)


class MyNotificationsView(APIView):
    @extend_schema(
        parameters=page_parameters(),
        responses=page("NotificationGroupPage", group_schema()),
        operation_id="me_notifications",
        summary="My notifications, grouped",
        description=(
            "Every kind of notification in one list, newest first, grouped while unread: one item per "
            'kind and target ("12 people liked your post") with up to three actors. Two queries a '
            "page. The same events arrive live over the WebSocket (`type` = the kind)."
        ),
    )
    def get(self, request: Request) -> Response:
        result = selectors.notification_groups_page(
            user_id=member_of(request).pk,
            cursor=request.query_params.get("cursor"),
            limit=page_limit(request.query_params.get("limit")),
        )
        items = [presenters.group_out(g, result.actors) for g in result.groups]
        return Response({"results": items, "next": result.next})


class MyNotificationsUnreadView(APIView):
    @extend_schema(responses=unread_schema(), operation_id="me_notifications_unread")
    def get(self, request: Request) -> Response:
        """How many of my notification groups are unread (a stored counter, one indexed read)."""
        return Response(presenters.unread_out(selectors.unread_count(user_id=member_of(request).pk)))


class MyNotificationsReadView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        up_to_id = serializers.RegexField(
            r"^[0-9]{1,19}$",
            required=False,
            max_length=ID_CHARS,
            help_text="Mark read the groups whose newest notification is this one or older; all when absent.",
        )

    @extend_schema(request=InputSerializer, responses=marked_schema(), operation_id="me_notifications_read")
    def post(self, request: Request) -> Response:
        """Mark my notifications read: all, or up to a `notification_id` from the list."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = data.validated_data.get("up_to_id")
        up_to = parse_id(raw) if raw is not None else None
        if raw is not None and up_to is None:
            raise ValidationFailed(details={"up_to_id": ["Not an id."]})
        user_id = member_of(request).pk
        marked = services.notifications_mark_read(user_id=user_id, up_to_id=up_to)
        return Response(presenters.marked_out(marked, selectors.unread_count(user_id=user_id)))


class MyNotificationPreferencesView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        muted = serializers.ListField(
            child=serializers.ChoiceField(list(kinds.MUTABLE)),
            max_length=len(kinds.MUTABLE),
            required=False,
            help_text="Kinds to mute (replaces the set); safety notices cannot be muted.",
        )

    @extend_schema(responses=preferences_schema(), operation_id="me_notification_preferences_get")
    def get(self, request: Request) -> Response:
        """The kinds I muted, and every kind I could."""
        return Response(presenters.preferences_out(selectors.muted_kinds(user_id=member_of(request).pk)))

    @extend_schema(
        request=InputSerializer,
        responses=preferences_schema(),
        operation_id="me_notification_preferences_update",
    )
    def patch(self, request: Request) -> Response:
        """Replace the kinds I mute: muted kinds are neither stored nor pushed. Safety notices cannot be muted."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_id = member_of(request).pk
        if "muted" not in data.validated_data:  # a PATCH without the field changes nothing
            return Response(presenters.preferences_out(selectors.muted_kinds(user_id=user_id)))
        muted = services.notification_preferences_set(user_id=user_id, muted=data.validated_data["muted"])
        return Response(presenters.preferences_out(muted))


class MyDevicesView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        platform = serializers.ChoiceField(["ios", "android"], help_text="ios: APNs; android: FCM.")
        token = serializers.CharField(max_length=512, help_text="The provider's device token.")

    @extend_schema(
        request=InputSerializer, responses={201: device_schema()}, operation_id="me_devices_register"
    )
    def post(self, request: Request) -> Response:
        """Register this device for push (registering a token again moves it to me)."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = services.device_register(user_id=member_of(request).pk, **data.validated_data)
        return Response(presenters.device_out(device), status=status.HTTP_201_CREATED)


class MyDeviceView(APIView):
    @extend_schema(responses={204: None}, operation_id="me_device_remove")
    def delete(self, request: Request, device_id: str) -> Response:
        """Stop push to one of my devices (signing out on it)."""
        services.device_remove(user_id=member_of(request).pk, device_id=device_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
