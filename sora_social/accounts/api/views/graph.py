"""Follow and block another member."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.accounts import presenters, selectors, services
from sora_social.accounts.api.serializers import BlockOut, Relation
from sora_social.accounts.models import User
from sora_social.accounts.viewer import member_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import NotFound


class _TargetView(APIView):
    # A block hides each member from the other: follow answers as if the other
    # did not exist. Blocking and unblocking still work, so a block can be undone.
    hide_if_blocked = True

    def target(self, user_id: str) -> User:
        target = selectors.user_get(user_id=user_id)
        me = member_of(self.request).pk
        if self.hide_if_blocked and target.pk != me and selectors.blocked_either_way(a_id=me, b_id=target.pk):
            raise NotFound("No such user.")
        return target


class FollowView(_TargetView):
    @extend_schema(request=None, responses=Relation, operation_id="user_follow")
    def post(self, request: Request, user_id: str) -> Response:
        """Follow a member."""
        target = self.target(user_id)
        services.follow_create(actor=member_of(request), target=target)
        return Response(presenters.relation_out(target, following=True))

    @extend_schema(request=None, responses={200: Relation}, operation_id="user_unfollow")
    def delete(self, request: Request, user_id: str) -> Response:
        """Stop following a member."""
        target = self.target(user_id)
        services.follow_delete(actor=member_of(request), target=target)
        return Response(presenters.relation_out(target, following=False))


class BlockView(_TargetView):
    hide_if_blocked = False

    @extend_schema(request=None, responses=BlockOut, operation_id="user_block")
    def post(self, request: Request, user_id: str) -> Response:
        """Block a member: each is hidden from the other and follows both ways end."""
        target = self.target(user_id)
        services.block_create(actor=member_of(request), target=target)
        return Response(presenters.block_out(target, blocked=True))

    @extend_schema(request=None, responses={200: BlockOut}, operation_id="user_unblock")
    def delete(self, request: Request, user_id: str) -> Response:
        """Unblock a member."""
        target = self.target(user_id)
        services.block_delete(actor=member_of(request), target=target)
        return Response(presenters.block_out(target, blocked=False))
