"""Reports, my strikes, and appeals. Views parse, call one service or selector, serialise."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from moderation import selectors, services
from moderation.presenters import report_out, strike_out
from sora_social.accounts.models import User
from sora_social.common.api.base import APIView
from sora_social.common.ids import parse_id
from sora_social.common.pagination import CursorPagination
from sora_social.common.schema import component, page, page_parameters


def _member(request: Request) -> User:
    """The signed-in member (every view here requires authentication, the default permission)."""
    return cast(User, request.user)


_ReportOut = inline_serializer(
    "Report",
    {
        "id": serializers.CharField(),
        "target_kind": serializers.CharField(),
        "target_id": serializers.CharField(),
        "reason": serializers.CharField(),
        "case_id": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
    },
)
_STRIKE_FIELDS = {
    "id": serializers.CharField(),
    "category": serializers.CharField(),
    "reason": serializers.CharField(),
    "state": serializers.CharField(),
    "created_at": serializers.DateTimeField(),
    "appeal_deadline": serializers.DateTimeField(),
    "appealed_at": serializers.DateTimeField(allow_null=True),
    "decided_at": serializers.DateTimeField(allow_null=True),
}
_StrikeOut = component("Strike", {**_STRIKE_FIELDS})
_StrikePage = page("StrikePage", _StrikeOut)


class ReportCreateView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        target_kind = serializers.CharField(max_length=32)
        target_id = serializers.CharField(max_length=24)
        reason = serializers.ChoiceField(choices=sorted(services.REPORT_REASONS))
        details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: _ReportOut}, operation_id="report_create")
    def post(self, request: Request) -> Response:
        """Report a post, comment, user or cameo. Repeats by the same member return the first report."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(
            reporter=_member(request),
            kind=data.validated_data["target_kind"],
            object_id=parse_id(data.validated_data["target_id"]),
            reason=data.validated_data["reason"],
            details=data.validated_data["details"],
        )
        return Response(report_out(report), status=201)


class MyStrikesView(APIView):
    @extend_schema(parameters=page_parameters(), responses=_StrikePage, operation_id="me_strikes")
    def get(self, request: Request) -> Response:
        """My strikes, newest first, with their appeal deadlines."""
        paginator = CursorPagination()
        page = paginator.paginate_queryset(
            selectors.strikes_for_user(user=_member(request)), request, view=self
        )
        return paginator.get_paginated_response([strike_out(s) for s in page or []])


class StrikeAppealView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        text = serializers.CharField(max_length=4000)

    @extend_schema(request=InputSerializer, responses=_StrikeOut, operation_id="strike_appeal")
    def post(self, request: Request, strike_id: str) -> Response:
        """Appeal a strike once, within its appeal window."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        strike = services.strike_appeal(
            strike_id=parse_id(strike_id), user=_member(request), text=data.validated_data["text"]
        )
        return Response(strike_out(strike))
