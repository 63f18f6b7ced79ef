"""Authentication for WebSockets: `?ticket=<ticket>` on the connect URL (`?token=` deprecated).

The documented way in is a single-use ticket from `POST /api/v1/ws-ticket`,
valid for 30 seconds: a URL ends up in access logs and proxies, and a ticket
found there is already spent. `?token=<access token>` keeps working for
existing clients; it gets the same checks as a bearer token on the API
(signature, expiry, an active member, the member's current token version).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_load
from sora_social.accounts.services.sessions import ws_ticket_redeem
from sora_social.accounts.tokens import token_version_of


@database_sync_to_async
def _user_for_token(raw: str) -> User | AnonymousUser:
    try:
        token = AccessToken(raw)  # type: ignore[arg-type]  # takes the token text; the stubs say bytes
        user_id = int(token.get(api_settings.USER_ID_CLAIM))
    except (TokenError, TypeError, ValueError):
        return AnonymousUser()
    user = user_load(user_id=user_id)
    if user is None or not user.is_active or token_version_of(token) != user.token_version:
        return AnonymousUser()
    return user


@database_sync_to_async
def _user_for_ticket(ticket: str) -> User | AnonymousUser:
    return ws_ticket_redeem(ticket=ticket) or AnonymousUser()


class JWTQueryAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        query = parse_qs(scope.get("query_string", b"").decode())
        ticket = (query.get("ticket") or [""])[0]
        token = (query.get("token") or [""])[0]
        scope = dict(scope)
        if ticket:
            scope["user"] = await _user_for_ticket(ticket)
        elif token:
            scope["user"] = await _user_for_token(token)
        else:
            scope["user"] = AnonymousUser()
        return await super().__call__(scope, receive, send)
