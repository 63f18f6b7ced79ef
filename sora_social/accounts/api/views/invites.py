"""My invite codes and my invite subtree."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.accounts import presenters, selectors
from sora_social.accounts.api.serializers import CodeOut, public_user_fields
from sora_social.accounts.viewer import member_of
from sora_social.common.api.base import APIView
from sora_social.common.pagination import int_param, page_limit
from sora_social.common.schema import component, page


class MyInvitesView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "MyInvites", {"results": CodeOut, "next": serializers.CharField(allow_null=True)}
        ),
        operation_id="me_invites",
    )
    def get(self, request: Request) -> Response:
        """My invite codes and who redeemed them."""
        codes = selectors.invite_codes_of(user_id=member_of(request).pk)
        return Response({"results": [presenters.invite_code_out(c) for c in codes], "next": None})


class MyInviteesView(APIView):
    """My invite subtree, depth-first, `depth` levels down (default 1: the people I invited)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "depth",
                {"type": "integer", "minimum": 1, "maximum": 50},
                description="Levels below me (1-50, default 1).",
            ),
            OpenApiParameter("cursor", str, description="The `next` of the previous page."),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description="Page size (default 20).",
            ),
        ],
        responses=page(
            "MyInvitees",
            component(
                "Invitee",
                {
                    **public_user_fields(),
                    "inviter_id": serializers.CharField(allow_null=True),
                    "depth": serializers.IntegerField(),
                    "invitees_total": serializers.IntegerField(),
                    "date_joined": serializers.DateTimeField(),
                },
            ),
        ),
        operation_id="me_invitees",
    )
    def get(self, request: Request) -> Response:
        me = member_of(request)
        depth = int_param(request, "depth", default=1, low=1, high=50)
        limit = page_limit(request.query_params.get("limit"))
        rows, cursor = selectors.invite_descendants(
            user_id=me.pk, cursor=request.query_params.get("cursor"), limit=limit, max_depth=depth
        )
        results = [presenters.invitee_out(u, base_depth=me.invite_depth) for u in rows]
        return Response({"results": results, "next": cursor})
