"""Provenance API: look up where a video or still came from."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from provenance import presenters, services
from provenance.hashing import MediaError
from provenance.throttles import LookupIPThrottle
from sora_social.accounts.viewer import Viewer, viewer_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import ApplicationError, ValidationFailed

_MATCH = inline_serializer(
    "ProvenanceMatch",
    {
        "post_id": serializers.CharField(allow_null=True, help_text="Null only in staff answers (drafts)."),
        "confidence": serializers.FloatField(min_value=0, max_value=1),
        "signals": serializers.ListField(
            child=serializers.ChoiceField(choices=["c2pa", "vpdq", "pdq", "audio"])
        ),
        "staff": serializers.DictField(
            required=False, help_text="Staff only: generation id, post state, scores."
        ),
    },
)
LOOKUP_OUT = inline_serializer(
    "ProvenanceLookup",
    {
        "found": serializers.BooleanField(),
        "method": serializers.ChoiceField(choices=["c2pa", "hashes", "none"]),
        "media": serializers.ChoiceField(choices=["video", "image"]),
        "ai_generated_here": serializers.BooleanField(),
        "matches": serializers.ListField(child=_MATCH),
    },
)


def read_upload(file: Any) -> bytes:
    """The uploaded file's bytes within the limit, or the 4xx to answer (nothing is stored)."""
    limit = settings.PROVENANCE_LOOKUP_MAX_BYTES
    if file is None:
        raise ValidationFailed(details={"file": "Send the video or image as multipart field `file`."})
    if getattr(file, "size", 0) > limit:
        raise ApplicationError("The file is too large.", code="upload_too_large", status=413)
    data = bytes(file.read(limit + 1))
    if len(data) > limit:
        raise ApplicationError("The file is too large.", code="upload_too_large", status=413)
    if not data:
        raise ValidationFailed("The file is empty.", code="corrupt_media")
    return data


def lookup(request: Request, file: Any) -> dict[str, Any]:
    data = read_upload(file)
    user = request.user
    staff = bool(getattr(user, "is_staff", False))
    viewer = viewer_of(request) if user.is_authenticated else Viewer.anonymous_teen()
    try:
        answer = services.provenance_lookup(data=data, viewer=viewer, staff=staff)
    except MediaError as exc:
        raise ValidationFailed(str(exc), code="corrupt_media") from None
    return presenters.lookup_out(answer, staff=staff)


class LookupView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [AllowAny]
    throttle_classes = [LookupIPThrottle]

    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField()

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: LOOKUP_OUT},
        summary="Where did this video or image come from?",
        description="Reads a C2PA manifest first (ours and valid: answered from it), else matches vPDQ/PDQ "
        "hashes and the audio fingerprint against everything made here. Only posts the caller may see are "
        "answered; staff see every match. Nothing of the upload is stored. Corrupt media is a 400 "
        "`corrupt_media`; over PROVENANCE_LOOKUP_MAX_BYTES a 413.",
    )
    def post(self, request: Request) -> Response:
        return Response(lookup(request, request.FILES.get("file")))
