"""Diagnostics: prove the whole background path to a client works.

`POST /api/v1/diagnostics/echo` enqueues a task on commit; a worker picks it
up and pushes the message back over the caller's WebSocket. An app (or an
operator) uses it to check HTTP → queue → worker → channel layer → socket.
"""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.common.api.base import APIView
from sora_social.common.tasks import enqueue_on_commit


class EchoView(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        message = serializers.CharField(max_length=200)

    @extend_schema(
        request=InputSerializer,
        responses={202: inline_serializer("EchoAccepted", {"id": serializers.CharField()})},
        description="The message comes back over /ws/ as `{type: 'diagnostics.echo', id, message, worker}`.",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        echo_id = uuid.uuid4().hex
        enqueue_on_commit(
            "common.echo_to_user",
            user_id=request.user.id,
            echo_id=echo_id,
            message=data.validated_data["message"],
        )
        return Response({"id": echo_id}, status=status.HTTP_202_ACCEPTED)
