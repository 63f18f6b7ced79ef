"""Cameo endpoints: enrol, settings, consent, appearances, notifications.

Views parse, call one service or selector, and answer what `cameos.presenters`
shapes. Another member's cameo the caller may not see is 404, never 403.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cameos import selectors, services
from cameos.api.serializers import (
    appearance_schema,
    approval_schema,
    cameo_schema,
    notification_schema,
    request_schema,
)
from cameos.models import Audience
from cameos.presenters import (
    access_out,
    appearance_out,
    approval_out,
    cameo_out,
    notification_out,
    notifications_marked_out,
    request_out,
)
from cameos.rules import RESTRICTION_CODES
from sora_social.accounts.models import User
from sora_social.common.api.base import APIView
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import ID_CHARS, parse_id
from sora_social.common.pagination import CursorPagination
from sora_social.common.schema import component, page, page_parameters


def _me(request: Request) -> User:
    """The signed-in member (every cameo endpoint requires authentication, which DRF's types cannot know)."""
    return cast(User, request.user)


def _decision_state(request: Request) -> str | None:
    """`?state=` of the owner's request and approval lists: pending (default), approved, denied or all (None)."""
    state = request.query_params.get("state", "pending")
    if state not in {"pending", "approved", "denied", "all"}:
        raise ValidationFailed("Unknown state.", code="invalid_state")
    return None if state == "all" else state


def _decision_list_schema(page_name: str, item: Any, operation_id: str) -> Any:
    """The schema of an owner's request or approval list: `?state=` (see `_decision_state`) and a page."""
    state = OpenApiParameter(
        "state",
        str,
        enum=["pending", "approved", "denied", "all"],
        description="pending (default), approved, denied or all",
    )
    return extend_schema(
        parameters=[state, *page_parameters()], responses=page(page_name, item), operation_id=operation_id
    )


def _decided(request: Request, decision: str, decide: Any, render: Any, **target: str) -> Response:
    """Record my decision (approve or deny) on `target` through the service `decide`; show what was decided."""
    decided = decide(owner_id=_me(request).pk, approve=decision == "approve", **target)
    return Response(render(decided))


def _page(request: Request, view: APIView, qs: Any, render: Any) -> Response:
    paginator = CursorPagination()
    page = paginator.paginate_queryset(qs, request, view=view) or []
    return paginator.get_paginated_response([render(row) for row in page])


class CameoListView(APIView):
    @extend_schema(request=None, responses={201: cameo_schema()}, operation_id="cameo_create")
    def post(self, request: Request) -> Response:
        """Start enrolling my cameo: the answer carries the liveness challenge to read while recording."""
        cameo = services.cameo_create(owner=_me(request))
        return Response(cameo_out(cameo, viewer_id=_me(request).pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("usable", bool, description="true: cameos I may cast now (mine included)"),
            *page_parameters(),
        ],
        responses=page("CameoPage", cameo_schema()),
        operation_id="cameo_list",
    )
    def get(self, request: Request) -> Response:
        """My cameo, or with usable=true every cameo I may cast right now (mine included)."""
        raw = request.query_params.get("usable", "false").lower()
        if raw not in {"true", "false"}:
            raise ValidationFailed("usable is true or false.", code="invalid_usable")
        usable = raw == "true"
        qs = (
            selectors.cameos_usable_by(user_id=_me(request).pk)
            if usable
            else selectors.cameos_owned_by(user_id=_me(request).pk)
        )
        return _page(request, self, qs, lambda c: cameo_out(c, viewer_id=_me(request).pk))


class CameoDetailView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        audience = serializers.ChoiceField(Audience.values, required=False)
        rules = serializers.CharField(
            max_length=2000,
            required=False,
            allow_blank=True,
            help_text="Free text, checked against prompts by meaning and words (docs/CAMEOS.md).",
        )
        restrictions = serializers.ListField(
            child=serializers.ChoiceField(RESTRICTION_CODES),
            required=False,
            max_length=len(RESTRICTION_CODES),
            help_text=(
                "Structured rules, replacing the current set: no_political, no_sexual (sexual or "
                "suggestive), no_violence, no_appearance_changes, no_demeaning (embarrassing or "
                "demeaning), approval_required (every use waits for my approval)."
            ),
        )

    @extend_schema(responses=cameo_schema(), operation_id="cameo_get")
    def get(self, request: Request, cameo_id: str) -> Response:
        """One cameo I own or may see."""
        cameo = selectors.cameo_visible_to(user_id=_me(request).pk, cameo_id=cameo_id)
        return Response(cameo_out(cameo, viewer_id=_me(request).pk))

    @extend_schema(request=InputSerializer, responses=cameo_schema(), operation_id="cameo_update")
    def patch(self, request: Request, cameo_id: str) -> Response:
        """Change my cameo's audience or the rules a creator must follow."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cameo = services.cameo_update(cameo=cameo, **data.validated_data)
        return Response(cameo_out(cameo, viewer_id=_me(request).pk))

    @extend_schema(responses={204: None}, operation_id="cameo_delete")
    def delete(self, request: Request, cameo_id: str) -> Response:
        """Delete my cameo: every appearance is removed and its face data erased."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        services.cameo_delete(cameo=cameo)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CameoRecordingView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField()

    @extend_schema(request=InputSerializer, responses={202: cameo_schema()}, operation_id="cameo_recording")
    def post(self, request: Request, cameo_id: str) -> Response:
        """Upload the enrolment recording (multipart `file`); liveness and identity checks run in the background."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("Send the recording as multipart field `file`.", code="file_missing")
        cameo = services.cameo_attach_recording(cameo=cameo, upload=upload)
        return Response(cameo_out(cameo, viewer_id=_me(request).pk), status=status.HTTP_202_ACCEPTED)


class CameoRequestCreateView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        message = serializers.CharField(max_length=280, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer, responses={201: request_schema()}, operation_id="cameo_request_create"
    )
    def post(self, request: Request, cameo_id: str) -> Response:
        """Ask a cameo's owner for permission to cast it."""
        cameo = selectors.cameo_visible_to(user_id=_me(request).pk, cameo_id=cameo_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.cameo_request_create(cameo=cameo, requester=_me(request), **data.validated_data)
        return Response(request_out(made), status=status.HTTP_201_CREATED)


class MyCameoRequestsView(APIView):
    @_decision_list_schema("CameoRequestPage", request_schema(), "me_cameo_requests")
    def get(self, request: Request) -> Response:
        """Requests to use my cameo, newest first."""
        qs = selectors.requests_for_owner(user_id=_me(request).pk, state=_decision_state(request))
        return _page(request, self, qs, request_out)


class CameoRequestDecideView(APIView):
    decision = ""

    @extend_schema(request=None, responses=request_schema(), operation_id=None)
    def post(self, request: Request, request_id: str) -> Response:
        """Decide a request to use my cameo (approve grants access, deny does not)."""
        return _decided(
            request, self.decision, services.cameo_request_decide, request_out, request_id=request_id
        )


class CameoRequestApproveView(CameoRequestDecideView):
    decision = "approve"


class CameoRequestDenyView(CameoRequestDecideView):
    decision = "deny"


def _user_id(raw: object) -> int:
    user_id = parse_id(raw)
    if user_id is None:
        raise NotFound(code="user_not_found")
    return user_id


class CameoGrantListView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        user_id = serializers.CharField(max_length=ID_CHARS)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "CameoGrant", {"user_id": serializers.CharField(), "state": serializers.CharField()}
            )
        },
        operation_id="cameo_grant",
    )
    def post(self, request: Request, cameo_id: str) -> Response:
        """Let a member cast my cameo."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        access = services.cameo_grant(cameo=cameo, user_id=_user_id(data.validated_data["user_id"]))
        return Response(access_out(access, with_changed_at=False), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=page_parameters(),
        responses=page(
            "CameoAccessPage",
            component(
                "CameoAccess",
                {
                    "user_id": serializers.CharField(),
                    "state": serializers.CharField(),
                    "changed_at": serializers.DateTimeField(),
                },
            ),
        ),
        operation_id="cameo_grants",
    )
    def get(self, request: Request, cameo_id: str) -> Response:
        """Who may use my cameo, and who had access withdrawn."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        qs = selectors.accesses_of(cameo=cameo)
        return _page(
            request,
            self,
            qs,
            access_out,
        )


class CameoGrantDetailView(APIView):
    @extend_schema(responses={204: None}, operation_id="cameo_revoke")
    def delete(self, request: Request, cameo_id: str, user_id: str) -> Response:
        """Withdraw a member's access: their queued jobs and unpublished drafts with my cameo are cancelled."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        services.cameo_revoke(cameo=cameo, user_id=_user_id(user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CameoAppearanceListView(APIView):
    @extend_schema(
        parameters=page_parameters(),
        responses=page("CameoAppearancePage", appearance_schema()),
        operation_id="cameo_appearances",
    )
    def get(self, request: Request, cameo_id: str) -> Response:
        """Every video with my likeness, including other people's drafts."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        return _page(request, self, selectors.appearances_of(cameo=cameo), appearance_out)


class CameoAppearanceDetailView(APIView):
    @extend_schema(responses={204: None}, operation_id="cameo_appearance_remove")
    def delete(self, request: Request, cameo_id: str, appearance_id: str) -> Response:
        """Remove a video with my likeness, for everyone."""
        cameo = selectors.cameo_owned(user_id=_me(request).pk, cameo_id=cameo_id)
        services.appearance_remove(cameo=cameo, appearance_id=appearance_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCameoNotificationsView(APIView):
    @extend_schema(
        parameters=page_parameters(),
        responses=page("CameoNotificationPage", notification_schema()),
        operation_id="me_cameo_notifications",
        deprecated=True,
        description=(
            "Deprecated alias: my `cameo.*` notifications one by one, read from the one notification "
            "system; use `GET /api/v1/me/notifications` (grouped, every kind)."
        ),
    )
    def get(self, request: Request) -> Response:
        """Notifications about my cameo (requests, uses, detections), newest first."""
        return _page(request, self, selectors.notifications_for(user_id=_me(request).pk), notification_out)


class MyCameoNotificationsReadView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        up_to_id = serializers.CharField(required=False, max_length=ID_CHARS)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer("CameoNotificationsRead", {"marked": serializers.IntegerField()}),
        operation_id="me_cameo_notifications_read",
        deprecated=True,
        description=(
            "Deprecated alias: marks the groups of my `cameo.*` notifications read; use "
            "`POST /api/v1/me/notifications/read`."
        ),
    )
    def post(self, request: Request) -> Response:
        """Mark my cameo notifications read, all or up to an id."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        up_to = data.validated_data.get("up_to_id")
        marked = services.notifications_mark_read(
            user_id=_me(request).pk, up_to_id=parse_id(up_to) if up_to else None
        )
        return Response(notifications_marked_out(marked))


class MyCameoApprovalsView(APIView):
    @_decision_list_schema("CameoApprovalPage", approval_schema(), "me_cameo_approvals")
    def get(self, request: Request) -> Response:
        """Uses of my cameos waiting for my approval (or decided), newest first."""
        qs = selectors.use_approvals_for_owner(user_id=_me(request).pk, state=_decision_state(request))
        return _page(request, self, qs, approval_out)


class CameoApprovalDecideView(APIView):
    decision = ""

    @extend_schema(request=None, responses=approval_schema(), operation_id=None)
    def post(self, request: Request, approval_id: str) -> Response:
        """Decide one use of my cameo (approve lets that generation go on, deny blocks it)."""
        return _decided(
            request, self.decision, services.use_approval_decide, approval_out, approval_id=approval_id
        )


class CameoApprovalApproveView(CameoApprovalDecideView):
    decision = "approve"


class CameoApprovalDenyView(CameoApprovalDecideView):
    decision = "deny"
