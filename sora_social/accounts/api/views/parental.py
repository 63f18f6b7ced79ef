"""Parental links: a parent starts one, the teen accepts, the parent confirms and sets the controls."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.accounts import presenters, selectors, services
from sora_social.accounts.api.serializers import LinkOut
from sora_social.accounts.viewer import member_of
from sora_social.common.api.base import APIView


class ParentalLinksView(APIView):
    """A parent starts a link; the answer carries the one-time code for the teen."""

    @extend_schema(request=None, responses={201: LinkOut}, operation_id="parental_link_start")
    def post(self, request: Request) -> Response:
        link = services.parental_link_start(parent=member_of(request))
        return Response(presenters.parental_link_out(link), status=status.HTTP_201_CREATED)


class ParentalLinkAcceptView(APIView):
    @extend_schema(request=None, responses=LinkOut, operation_id="parental_link_accept")
    def post(self, request: Request, code: str) -> Response:
        """A teen accepts a parent's one-time code; the answer carries the controls now in force."""
        teen = member_of(request)
        link = services.parental_link_accept(teen=teen, code=code)
        return Response(presenters.parental_link_out(link, selectors.teen_settings_get(teen_id=teen.pk)))


class ParentalLinkConfirmView(APIView):
    """The parent confirms the link with the single-use code from the e-mail; the link becomes active."""

    class InputSerializer(serializers.Serializer[Any]):
        token = serializers.CharField(max_length=128)

    @extend_schema(request=InputSerializer, responses=LinkOut, operation_id="parental_link_confirm")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.parental_link_confirm(parent=member_of(request), token=data.validated_data["token"])
        teen_id = link.teen_id
        controls = selectors.teen_settings_get(teen_id=teen_id) if teen_id is not None else None
        return Response(presenters.parental_link_out(link, controls))


class MyParentalLinkView(APIView):
    """A teen sees who their parent is (link being confirmed or active) and the controls set."""

    @extend_schema(
        responses=inline_serializer("MyParentalLink", {"link": serializers.DictField(allow_null=True)}),
        operation_id="me_parental_link",
    )
    def get(self, request: Request) -> Response:
        teen_id = member_of(request).pk
        link = selectors.parental_link_of_teen(teen_id=teen_id)
        if link is None:
            return Response({"link": None})
        controls = selectors.teen_settings_get(teen_id=teen_id)
        body = presenters.my_parental_link_out(link, controls, selectors.default_teen_controls())
        return Response({"link": body})


class ParentalLinkView(APIView):
    """The linked parent sets the teen's controls."""

    class InputSerializer(serializers.Serializer[Any]):
        daily_feed_budget = serializers.IntegerField(required=False, min_value=0, max_value=1440)
        personalization_enabled = serializers.BooleanField(required=False)
        dms_enabled = serializers.BooleanField(required=False)
        dms_audience = serializers.ChoiceField(
            choices=["everyone", "mutuals"],
            required=False,
            help_text="While DMs are on: everyone (adults only if the teen follows them) or mutuals only.",
        )
        cameo_audience_max = serializers.ChoiceField(
            choices=["only_me", "approved", "mutuals", "everyone"], required=False
        )

    @extend_schema(request=InputSerializer, responses=LinkOut, operation_id="parental_link_update")
    def patch(self, request: Request, link_id: str) -> Response:
        parent = member_of(request)
        link = selectors.parental_link_of_parent(link_id=link_id, parent_id=parent.pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        controls = services.parental_controls_update(link=link, parent=parent, **data.validated_data)
        return Response(presenters.parental_link_out(link, controls))
