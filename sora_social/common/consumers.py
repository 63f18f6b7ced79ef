"""The one WebSocket endpoint, `/ws/?ticket=<ticket>`: per-user events pushed by the server.

A member signed out everywhere gets `{"type": "session.revoked"}` and the
socket closes with code 4403.
"""

from __future__ import annotations

from typing import Any

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from sora_social.accounts.models import User
from sora_social.common.events import user_group


@database_sync_to_async
def _still_signed_in(user: User) -> bool:
    return User.objects.filter(pk=user.pk, is_active=True, token_version=user.token_version).exists()


CLOSE_UNAUTHENTICATED = 4401
# The member was signed out everywhere (password change, suspension, ban, deletion).
CLOSE_REVOKED = 4403


class UserEventsConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Closing before accept rejects the handshake (HTTP 403) with no data sent.
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        if not await _still_signed_in(user):
            # Signed out between the token check and joining the group: the
            # close event went to a group this socket was not yet in.
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()
        await self.send_json({"type": "hello", "user_id": str(user.id)})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def user_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])

    async def session_revoke(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "session.revoked"})
        await self.close(code=CLOSE_REVOKED)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return orjson.dumps(content).decode()

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        return orjson.loads(text_data)
