"""Joining: signup with an invite code (or the waitlist, where the region is not open), and the waitlist."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from sora_social.accounts import presenters, services
from sora_social.accounts.api.serializers import MeOutput, region_field
from sora_social.common.api.base import APIView
from sora_social.common.throttles import AuthIPThrottle

DEVICE_HEADER = "X-Device-Id"


def client_ip(request: Request) -> str | None:
    """The client's IP as the throttles see it (honours NUM_PROXIES)."""
    return BaseThrottle().get_ident(request) or None


class SignupView(APIView):
    """Join with an invite code. Regions not yet open answer 202 and join the waitlist.

    Send the device's id in the `X-Device-Id` header: failed codes are throttled
    per IP and per device.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AuthIPThrottle]

    class InputSerializer(serializers.Serializer[Any]):
        invite_code = serializers.CharField(max_length=64)
        username = serializers.CharField(max_length=150)
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)
        birthdate = serializers.DateField()
        region = region_field()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "SignupOut",
                {"user": MeOutput, "access": serializers.CharField(), "refresh": serializers.CharField()},
            ),
            202: inline_serializer(
                "SignupWaitlisted",
                {"waitlisted": serializers.BooleanField(), "region": serializers.CharField()},
            ),
        },
        parameters=[OpenApiParameter(DEVICE_HEADER, str, OpenApiParameter.HEADER, required=False)],
        operation_id="auth_signup",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.user_signup(
            **data.validated_data,
            ip=client_ip(request),
            device_id=request.headers.get(DEVICE_HEADER, ""),
        )
        if result.user is None:
            entry = result.waitlisted
            region = entry.region if entry else data.validated_data["region"].upper()
            return Response(presenters.waitlisted_out(region=region), status=status.HTTP_202_ACCEPTED)
        tokens = services.session_start(user=result.user)
        return Response(presenters.signup_out(result.user, tokens), status=status.HTTP_201_CREATED)


class WaitlistView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AuthIPThrottle]

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)
        region = region_field()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "WaitlistOut", {"email": serializers.EmailField(), "region": serializers.CharField()}
            )
        },
        operation_id="waitlist_join",
    )
    def post(self, request: Request) -> Response:
        """Join the waitlist of a region not yet open."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.waitlist_join(**data.validated_data)
        return Response(presenters.waitlist_entry_out(entry), status=status.HTTP_201_CREATED)
