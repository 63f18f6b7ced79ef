"""Members' profiles and follower lists, as the viewer sees them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.accounts import presenters, selectors
from sora_social.accounts.api.serializers import MemberCard, ProfileOut
from sora_social.accounts.viewer import viewer_of
from sora_social.common.api.base import APIView
from sora_social.common.pagination import page_limit
from sora_social.common.schema import page, page_parameters

_PROFILE_HELP = (
    "Display name, bio, avatar (a signed, short-lived URL), the stored follower, following and post "
    "counts, and whether I follow them and they follow me. Unknown, suspended, deleted and blocked "
    "(either way) members are all 404 `not_found`."
)
_BY_USERNAME_HELP = _PROFILE_HELP + " The username matches case-insensitively."


class UserProfileView(APIView):
    @extend_schema(responses=ProfileOut, operation_id="user_profile", summary="A member's profile")
    def get(self, request: Request, user_id: str) -> Response:
        """A member's profile."""
        return Response(
            presenters.profile_out(selectors.profile_get(viewer=viewer_of(request), user_id=user_id))
        )

    get.__doc__ = _PROFILE_HELP


class UserByUsernameView(APIView):
    @extend_schema(
        responses=ProfileOut,
        operation_id="user_profile_by_username",
        summary="A member's profile by username",
    )
    def get(self, request: Request, username: str) -> Response:
        profile = selectors.profile_get(viewer=viewer_of(request), username=username[:150])
        return Response(presenters.profile_out(profile))

    get.__doc__ = _PROFILE_HELP + " The username matches case-insensitively."


class UserFollowersView(APIView):
    @extend_schema(
        parameters=page_parameters(),
        responses=page("MemberPage", MemberCard),
        operation_id="user_followers",
        summary="Who follows a member, newest first",
    )
    def get(self, request: Request, user_id: str) -> Response:
        """Followers, newest follow first. Members blocked either way with me are left out, and so
        (for adults) are teens who do not follow me. A member I may not see is 404."""
        page_ = selectors.followers_page(
            viewer=viewer_of(request),
            user_id=user_id,
            cursor=request.query_params.get("cursor"),
            limit=page_limit(request.query_params.get("limit")),
        )
        return Response(presenters.member_page_out(page_))


class UserFollowingView(APIView):
    @extend_schema(
        parameters=page_parameters(),
        responses=page("MemberPage", MemberCard),
        operation_id="user_following",
        summary="Whom a member follows, newest first",
    )
    def get(self, request: Request, user_id: str) -> Response:
        """Followed members, newest follow first; the same rules as the followers list."""
        page_ = selectors.following_page(
            viewer=viewer_of(request),
            user_id=user_id,
            cursor=request.query_params.get("cursor"),
            limit=page_limit(request.query_params.get("limit")),
        )
        return Response(presenters.member_page_out(page_))
