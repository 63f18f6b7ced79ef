"""Sign-in, token refresh, password change and WebSocket tickets."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from sora_social.accounts import presenters, services
from sora_social.accounts.api.serializers import (
    PAIR,
    ROTATED,
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
    TokensOut,
)
from sora_social.accounts.viewer import member_of
from sora_social.common.api.base import APIView
from sora_social.common.throttles import AuthIPThrottle


class TokenView(TokenObtainPairView):
    serializer_class = TokenObtainPairSerializer
    throttle_classes = [AuthIPThrottle]

    @extend_schema(request=TokenObtainPairSerializer, responses=PAIR, operation_id="token_post")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`{username, password}` → `{access, refresh}` (a new sign-in)."""
        return super().post(request, *args, **kwargs)


class TokenRefreshViewThrottled(TokenRefreshView):
    serializer_class = TokenRefreshSerializer
    throttle_classes = [AuthIPThrottle]

    @extend_schema(
        request=TokenRefreshSerializer, responses=ROTATED, operation_id="token_refresh_view_throttled_post"
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`{refresh}` → `{access, refresh}`: the refresh token rotates; a used one signs its family out."""
        return super().post(request, *args, **kwargs)


class MyPasswordView(APIView):
    """Change my password with the current one. Every session ends (tokens and open sockets);
    the answer carries fresh tokens for this device."""

    throttle_classes = [AuthIPThrottle]

    class InputSerializer(serializers.Serializer[Any]):
        old_password = serializers.CharField(max_length=128, write_only=True)
        new_password = serializers.CharField(max_length=128, write_only=True)

    @extend_schema(request=InputSerializer, responses=TokensOut, operation_id="me_password_change")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.user_password_change(user=member_of(request), **data.validated_data))


class WebSocketTicketView(APIView):
    """A single-use ticket for `/ws/?ticket=`, valid `expires_in` seconds."""

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "WebSocketTicket",
                {"ticket": serializers.CharField(), "expires_in": serializers.IntegerField()},
            )
        },
        operation_id="ws_ticket_create",
    )
    def post(self, request: Request) -> Response:
        ticket, seconds = services.ws_ticket_issue(user=member_of(request))
        return Response(presenters.ws_ticket_out(ticket, seconds), status=status.HTTP_201_CREATED)
