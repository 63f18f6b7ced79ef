"""My profile (read, edit, delete the account)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from sora_social.accounts import presenters, services
from sora_social.accounts.api.serializers import MeOutput
from sora_social.accounts.viewer import member_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import ValidationFailed
from sora_social.common.schema import AutoSchema
from sora_social.common.throttles import AuthIPThrottle


class _MeSchema(AutoSchema):
    """`DELETE /me` carries a body (the password); OpenAPI allows it, drf-spectacular skips it."""

    def _get_request_body(self, direction: str = "request") -> Any:
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class MeView(APIView):
    schema = _MeSchema()

    class InputSerializer(serializers.Serializer[Any]):
        display_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
        bio = serializers.CharField(max_length=300, required=False, allow_blank=True)
        remove_avatar = serializers.BooleanField(
            required=False, help_text="true removes the avatar (its file is deleted)."
        )

    class MultipartSerializer(InputSerializer):
        avatar = serializers.FileField(
            required=False,
            help_text="A JPEG, PNG or WebP image (at most AVATAR_MAX_BYTES, sides 32 to AVATAR_MAX_SIDE "
            "pixels); stored cropped square and resized.",
        )

    @extend_schema(responses=MeOutput, operation_id="me_get")
    def get(self, request: Request) -> Response:
        """My own profile, as only I see it."""
        return Response(presenters.user_private(member_of(request)))

    @extend_schema(
        request={"application/json": InputSerializer, "multipart/form-data": MultipartSerializer},
        responses=MeOutput,
        operation_id="me_update",
    )
    def patch(self, request: Request) -> Response:
        """Change my display name, bio or avatar (multipart field `avatar`), or remove the avatar
        (`remove_avatar: true`). A bad image (`corrupt_image`, `image_dimensions`: 400;
        `unsupported_image_type`: 415; `upload_too_large`: 413) changes nothing."""
        multipart = request.content_type.startswith("multipart/")
        data = (self.MultipartSerializer if multipart else self.InputSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields.get("avatar") is not None and fields.get("remove_avatar"):
            raise ValidationFailed(details={"remove_avatar": ["Send an avatar or remove it, not both."]})
        user = services.user_update_profile(user=member_of(request), **fields)
        return Response(presenters.user_private(user))

    class DeleteSerializer(serializers.Serializer[Any]):
        password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)

    def get_throttles(self) -> list[BaseThrottle]:
        # Deleting asks for the password: throttled like a sign-in.
        if self.request.method == "DELETE":
            return [AuthIPThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=DeleteSerializer,
        responses={
            204: OpenApiResponse(description="Deleted."),
        },
        operation_id="me_delete",
        summary="Delete my account",
        description=(
            "Deletes the account for good, confirmed with the current password. Every session "
            "ends (tokens refused, open sockets closed); posts, comments, likes, generations, "
            "uploads and the cameo (with its face data) are removed, and every media URL handed "
            "out before stops working. Wrong or missing password: 400 `wrong_password` or "
            "`validation_error`, and nothing changes."
        ),
    )
    def delete(self, request: Request) -> Response:
        data = self.DeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.account_delete_own(user=member_of(request), password=data.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)
