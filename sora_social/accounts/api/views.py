"""Onboarding, profile, invites, the social graph and parental links.

Views parse, call one service or selector, and serialise to plain dicts.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from sora_social.accounts import selectors, services
from sora_social.accounts.api.serializers import (
    invite_code_out,
    invitee_out,
    parental_link_out,
    user_private,
    user_public,
)
from sora_social.accounts.models import Notification, ParentalLink, User
from sora_social.accounts.tokens import MemberRefreshToken
from sora_social.common.api.base import APIView
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id
from sora_social.common.pagination import CursorPagination, int_param, page_limit
from sora_social.common.schema import AutoSchema, component, page, page_parameters
from sora_social.common.throttles import AuthIPThrottle


class TokenObtainPairSerializer(jwt_serializers.TokenObtainPairSerializer):
    token_class = MemberRefreshToken

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field].max_length = 150
        self.fields["password"].max_length = 128
        for field in (self.fields[self.username_field], self.fields["password"]):
            field.validators.append(MaxLengthValidator(field.max_length))


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    refresh = serializers.CharField(max_length=1024)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        return services.session_refresh(raw=attrs["refresh"])


# drf-spectacular's simplejwt extension describes only simplejwt's own serializer
# classes, not subclasses; the answers are declared here.
_PAIR = component("TokenObtainPair", {"access": serializers.CharField(), "refresh": serializers.CharField()})
_ROTATED = component("TokenRefresh", {"access": serializers.CharField(), "refresh": serializers.CharField()})


class TokenView(TokenObtainPairView):
    serializer_class = TokenObtainPairSerializer
    throttle_classes = [AuthIPThrottle]

    @extend_schema(request=TokenObtainPairSerializer, responses=_PAIR, operation_id="token_post")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`{username, password}` → `{access, refresh}` (a new sign-in)."""
        return super().post(request, *args, **kwargs)


class TokenRefreshViewThrottled(TokenRefreshView):
    serializer_class = TokenRefreshSerializer
    throttle_classes = [AuthIPThrottle]

    @extend_schema(
        request=TokenRefreshSerializer, responses=_ROTATED, operation_id="token_refresh_view_throttled_post"
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`{refresh}` → `{access, refresh}`: the refresh token rotates; a used one signs its family out."""
        return super().post(request, *args, **kwargs)


def client_ip(request: Request) -> str | None:
    """The client's IP as the throttles see it (honours NUM_PROXIES)."""
    return BaseThrottle().get_ident(request) or None


DEVICE_HEADER = "X-Device-Id"


def _region_field() -> serializers.RegexField:
    """A two-letter country code, as the schema's pattern says (ASCII letters, no padding)."""
    return serializers.RegexField(
        r"^[A-Za-z]{2}$", trim_whitespace=False, error_messages={"invalid": "A two-letter country code."}
    )


def _public_user_fields() -> dict[str, Any]:
    return {
        "id": serializers.CharField(),
        "username": serializers.CharField(),
        "display_name": serializers.CharField(),
        "bio": serializers.CharField(allow_blank=True),
    }


_MeOutput = inline_serializer(
    "Me",
    {
        "id": serializers.CharField(),
        "username": serializers.CharField(),
        "display_name": serializers.CharField(),
        "bio": serializers.CharField(),
        "email": serializers.EmailField(),
        "date_joined": serializers.DateTimeField(),
        "region": serializers.CharField(),
        "is_teen": serializers.BooleanField(),
        "can_invite": serializers.BooleanField(),
        "inviter_id": serializers.CharField(allow_null=True),
        "invite_depth": serializers.IntegerField(),
        "invitees_total": serializers.IntegerField(),
    },
)


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

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
        bio = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(responses=_MeOutput, operation_id="me_get")
    def get(self, request: Request) -> Response:
        """My own profile, as only I see it."""
        return Response(user_private(request.user))

    @extend_schema(request=InputSerializer, responses=_MeOutput, operation_id="me_update")
    def patch(self, request: Request) -> Response:
        """Change my display name or bio."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **data.validated_data)
        return Response(user_private(user))

    class DeleteSerializer(serializers.Serializer):
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
        services.account_delete_own(user=request.user, password=data.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


_TokensOut = inline_serializer(
    "SessionTokens", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)


class MyPasswordView(APIView):
    """Change my password with the current one. Every session ends (tokens and open sockets);
    the answer carries fresh tokens for this device."""

    throttle_classes = [AuthIPThrottle]

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(max_length=128, write_only=True)
        new_password = serializers.CharField(max_length=128, write_only=True)

    @extend_schema(request=InputSerializer, responses=_TokensOut, operation_id="me_password_change")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.user_password_change(user=request.user, **data.validated_data))


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
        ticket, seconds = services.ws_ticket_issue(user=request.user)
        return Response({"ticket": ticket, "expires_in": seconds}, status=status.HTTP_201_CREATED)


class SignupView(APIView):
    """Join with an invite code. Regions not yet open answer 202 and join the waitlist.

    Send the device's id in the `X-Device-Id` header: failed codes are throttled
    per IP and per device.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AuthIPThrottle]

    class InputSerializer(serializers.Serializer):
        invite_code = serializers.CharField(max_length=64)
        username = serializers.CharField(max_length=150)
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)
        birthdate = serializers.DateField()
        region = _region_field()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "SignupOut",
                {"user": _MeOutput, "access": serializers.CharField(), "refresh": serializers.CharField()},
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
            return Response(
                {
                    "waitlisted": True,
                    "region": entry.region if entry else data.validated_data["region"].upper(),
                    "message": "Sora Social is not open in your region yet; you are on the waitlist.",
                },
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(
            {"user": user_private(result.user), **services.session_start(user=result.user)},
            status=status.HTTP_201_CREATED,
        )


class WaitlistView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AuthIPThrottle]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        region = _region_field()

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
        return Response({"email": entry.email, "region": entry.region}, status=status.HTTP_201_CREATED)


_CodeOut = inline_serializer(
    "InviteCodeOut",
    many=True,
    fields={
        "code": serializers.CharField(),
        "state": serializers.ChoiceField(choices=["available", "redeemed", "disabled"]),
        "redeemed_by": serializers.DictField(allow_null=True),
        "redeemed_at": serializers.DateTimeField(allow_null=True),
    },
)


class MyInvitesView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "MyInvites", {"results": _CodeOut, "next": serializers.CharField(allow_null=True)}
        ),
        operation_id="me_invites",
    )
    def get(self, request: Request) -> Response:
        """My invite codes and who redeemed them."""
        codes = selectors.invite_codes_of(user_id=request.user.pk)
        return Response({"results": [invite_code_out(c) for c in codes], "next": None})


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
                    **_public_user_fields(),
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
        depth = int_param(request, "depth", default=1, low=1, high=50)
        limit = page_limit(request.query_params.get("limit"))
        rows, cursor = selectors.invite_descendants(
            user_id=request.user.pk, cursor=request.query_params.get("cursor"), limit=limit, max_depth=depth
        )
        base = request.user.invite_depth
        return Response({"results": [invitee_out(u, base_depth=base) for u in rows], "next": cursor})


class _TargetView(APIView):
    # A block hides each member from the other: follow answers as if the other
    # did not exist. Blocking and unblocking still work, so a block can be undone.
    hide_if_blocked = True

    def target(self, user_id: str) -> User:
        target = selectors.user_get(user_id=user_id)
        me = self.request.user.pk
        if self.hide_if_blocked and target.pk != me and selectors.blocked_either_way(a_id=me, b_id=target.pk):
            raise NotFound("No such user.")
        return target


_Relation = inline_serializer(
    "Relation",
    {"user": component("PublicUser", _public_user_fields()), "following": serializers.BooleanField()},
)


class FollowView(_TargetView):
    @extend_schema(request=None, responses=_Relation, operation_id="user_follow")
    def post(self, request: Request, user_id: str) -> Response:
        """Follow a member."""
        target = self.target(user_id)
        services.follow_create(actor=request.user, target=target)
        return Response({"user": user_public(target), "following": True})

    @extend_schema(request=None, responses={200: _Relation}, operation_id="user_unfollow")
    def delete(self, request: Request, user_id: str) -> Response:
        """Stop following a member."""
        target = self.target(user_id)
        services.follow_delete(actor=request.user, target=target)
        return Response({"user": user_public(target), "following": False})


_BlockOut = inline_serializer(
    "BlockOut", {"user_id": serializers.CharField(), "blocked": serializers.BooleanField()}
)


class BlockView(_TargetView):
    hide_if_blocked = False

    @extend_schema(request=None, responses=_BlockOut, operation_id="user_block")
    def post(self, request: Request, user_id: str) -> Response:
        """Block a member: each is hidden from the other and follows both ways end."""
        target = self.target(user_id)
        services.block_create(actor=request.user, target=target)
        return Response({"user_id": str(target.pk), "blocked": True})

    @extend_schema(request=None, responses={200: _BlockOut}, operation_id="user_unblock")
    def delete(self, request: Request, user_id: str) -> Response:
        """Unblock a member."""
        target = self.target(user_id)
        services.block_delete(actor=request.user, target=target)
        return Response({"user_id": str(target.pk), "blocked": False})


_LinkOut = inline_serializer(
    "ParentalLinkOut",
    {
        "id": serializers.CharField(),
        "state": serializers.CharField(),
        "parent_id": serializers.CharField(),
        "teen_id": serializers.CharField(allow_null=True),
        "code": serializers.CharField(required=False),
        "expires_at": serializers.DateTimeField(),
        "accepted_at": serializers.DateTimeField(allow_null=True),
        "controls": serializers.DictField(required=False),
    },
)


class ParentalLinksView(APIView):
    """A parent starts a link; the answer carries the one-time code for the teen."""

    @extend_schema(request=None, responses={201: _LinkOut}, operation_id="parental_link_start")
    def post(self, request: Request) -> Response:
        link = services.parental_link_start(parent=request.user)
        return Response(parental_link_out(link), status=status.HTTP_201_CREATED)


class ParentalLinkAcceptView(APIView):
    @extend_schema(request=None, responses=_LinkOut, operation_id="parental_link_accept")
    def post(self, request: Request, code: str) -> Response:
        """A teen accepts a parent's one-time code; the answer carries the controls now in force."""
        link = services.parental_link_accept(teen=request.user, code=code)
        return Response(parental_link_out(link, selectors.teen_settings_get(teen_id=request.user.pk)))


class ParentalLinkConfirmView(APIView):
    """The parent confirms the link with the single-use code from the e-mail; the link becomes active."""

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=128)

    @extend_schema(request=InputSerializer, responses=_LinkOut, operation_id="parental_link_confirm")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.parental_link_confirm(parent=request.user, token=data.validated_data["token"])
        return Response(parental_link_out(link, selectors.teen_settings_get(teen_id=link.teen_id)))


class MyParentalLinkView(APIView):
    """A teen sees who their parent is (link being confirmed or active) and the controls set."""

    @extend_schema(
        responses=inline_serializer("MyParentalLink", {"link": serializers.DictField(allow_null=True)}),
        operation_id="me_parental_link",
    )
    def get(self, request: Request) -> Response:
        link = selectors.parental_link_of_teen(teen_id=request.user.pk)
        if link is None:
            return Response({"link": None})
        body = parental_link_out(link, selectors.teen_settings_get(teen_id=request.user.pk))
        body["parent"] = {
            "id": str(link.parent.pk),
            "username": link.parent.username,
            "display_name": link.parent.display_name,
        }
        if "controls" not in body:
            controls = selectors.default_teen_controls()
            body["controls"] = {
                "daily_feed_budget": controls.daily_feed_budget,
                "personalization_enabled": controls.personalization_enabled,
                "dms_enabled": controls.dms_enabled,
                "cameo_audience_max": controls.cameo_audience_max,
            }
        return Response({"link": body})


class ParentalLinkView(APIView):
    """The linked parent sets the teen's controls."""

    class InputSerializer(serializers.Serializer):
        daily_feed_budget = serializers.IntegerField(required=False, min_value=0, max_value=1440)
        personalization_enabled = serializers.BooleanField(required=False)
        dms_enabled = serializers.BooleanField(required=False)
        cameo_audience_max = serializers.ChoiceField(
            choices=["only_me", "approved", "mutuals", "everyone"], required=False
        )

    @extend_schema(request=InputSerializer, responses=_LinkOut, operation_id="parental_link_update")
    def patch(self, request: Request, link_id: str) -> Response:
        pk = parse_id(link_id)
        link = ParentalLink.objects.filter(pk=pk, parent=request.user).first() if pk else None
        if link is None:
            raise NotFound("No such parental link.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        controls = services.parental_controls_update(link=link, parent=request.user, **data.validated_data)
        return Response(parental_link_out(link, controls))


class MyNotificationsView(APIView):
    """Stored notifications, newest first (the same ones arrive live over the WebSocket)."""

    @extend_schema(
        parameters=page_parameters(),
        responses=page(
            "Notifications",
            component(
                "Notification",
                {
                    "id": serializers.CharField(),
                    "kind": serializers.CharField(),
                    "payload": serializers.JSONField(),
                    "created_at": serializers.DateTimeField(),
                    "read_at": serializers.DateTimeField(allow_null=True),
                },
            ),
        ),
        operation_id="me_notifications",
    )
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        qs = Notification.objects.filter(user=request.user).only(
            "id", "kind", "payload", "created_at", "read_at"
        )
        page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response(
            [
                {
                    "id": str(n.id),
                    "kind": n.kind,
                    "payload": n.payload,
                    "created_at": n.created_at,
                    "read_at": n.read_at,
                }
                for n in page
            ]
        )
