"""Sign-in and profile endpoints. Views parse, call one service or selector, serialise."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from sora_social.accounts import services
from sora_social.accounts.api.serializers import user_private
from sora_social.common.throttles import AuthIPThrottle


class TokenView(TokenObtainPairView):
    """`{username, password}` → `{access, refresh}`."""

    throttle_classes = [AuthIPThrottle]


class TokenRefreshViewThrottled(TokenRefreshView):
    throttle_classes = [AuthIPThrottle]


_MeOutput = inline_serializer(
    "Me",
    {
        "id": serializers.CharField(),
        "username": serializers.CharField(),
        "display_name": serializers.CharField(),
        "bio": serializers.CharField(),
        "email": serializers.EmailField(),
        "date_joined": serializers.DateTimeField(),
    },
)


class MeView(APIView):
    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
        bio = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(responses=_MeOutput, operation_id="me_get")
    def get(self, request: Request) -> Response:
        return Response(user_private(request.user))

    @extend_schema(request=InputSerializer, responses=_MeOutput, operation_id="me_update")
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **data.validated_data)
        return Response(user_private(user))
