"""Sessions: sign-in tokens, refresh rotation, signing a member out everywhere, password change.

- Refresh tokens rotate: each refresh blacklists the token it used and hands
  out a new one of the same family. A blacklisted token presented again means
  two parties hold the family (a thief and the member); both are signed out of
  it by blacklisting every live token of the family. The used token's row is
  locked while it is checked, so two refreshes racing with one token give one
  success and one reuse, never two children.
- `sessions_revoke` raises the members' token version (every access and
  refresh token minted before is refused from the next request on, whatever
  any cache remembers), blacklists their refresh tokens, and closes their open
  WebSockets once the transaction commits.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

import jwt
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from sora_social.accounts.models import User
from sora_social.accounts.selectors import user_load
from sora_social.accounts.tokens import (
    FAMILY_CLAIM,
    MemberRefreshToken,
    token_version_of,
    tokens_for,
)
from sora_social.common.errors import ApplicationError, ValidationFailed
from sora_social.common.events import close_user_sockets_on_commit

logger = logging.getLogger(__name__)

_NOT_COPIED = {"exp", "iat", api_settings.JTI_CLAIM, api_settings.TOKEN_TYPE_CLAIM}


class SessionError(ApplicationError):
    status = 401
    code = "token_not_valid"
    default_message = "Token is invalid or expired."


def session_start(*, user: User) -> dict[str, str]:
    """`{access, refresh}` for a new sign-in (a new token family)."""
    return tokens_for(user)


def session_refresh(*, raw: str) -> dict[str, str]:
    """Rotate a refresh token: `{access, refresh}`, or a 401 that may have revoked its family."""
    try:
        payload = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]  # takes the token text; the stubs say Token
    except TokenBackendError as exc:
        raise SessionError() from exc
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh" or not payload.get(api_settings.JTI_CLAIM):
        raise SessionError()
    # Decided inside the transaction, raised after it: a reuse's revocation must commit.
    outcome = _rotate(payload, raw)
    if outcome == "reused":
        raise SessionError(
            "This refresh token was already used; every session of this sign-in has been ended.",
            code="token_reused",
        )
    if isinstance(outcome, str):
        raise SessionError("This session has ended; sign in again.", code=outcome)
    return outcome


@transaction.atomic
def _rotate(payload: dict[str, Any], raw: str) -> dict[str, str] | str:
    jti = payload[api_settings.JTI_CLAIM]
    try:
        user_id = int(payload[api_settings.USER_ID_CLAIM])
    except (KeyError, TypeError, ValueError):
        return "token_not_valid"
    row = OutstandingToken.objects.select_for_update().filter(jti=jti).first()
    if row is None:
        # Signed by us and unexpired, but minted before refresh tokens were
        # recorded: record it now, so it rotates once and a replay is caught.
        if not User.objects.filter(pk=user_id).exists():
            return "token_not_valid"
        OutstandingToken.objects.get_or_create(
            jti=jti,
            defaults={
                "user_id": user_id,
                "token": raw,
                "created_at": timezone.now(),
                "expires_at": datetime_from_epoch(payload["exp"]),
            },
        )
        row = OutstandingToken.objects.select_for_update().get(jti=jti)
    if row.user_id is None:
        return "token_not_valid"  # its member is gone
    if BlacklistedToken.objects.filter(token_id=row.pk).exists():
        ended = _family_revoke(user_id=row.user_id, family=payload.get(FAMILY_CLAIM) or jti)
        # Someone holds a copy of this member's token: worth a look by trust & safety.
        logger.warning(
            "refresh token reused: member %s, %d live token(s) of its sign-in ended", row.user_id, ended
        )
        return "reused"
    user = user_load(user_id=user_id)
    if user is None or user.pk != row.user_id or not user.is_active:
        return "user_inactive"
    if token_version_of(payload) != user.token_version:
        return "token_revoked"
    BlacklistedToken.objects.create(token=row)
    new = MemberRefreshToken()
    for claim, value in payload.items():
        if claim not in _NOT_COPIED:
            new[claim] = value
    new[FAMILY_CLAIM] = payload.get(FAMILY_CLAIM) or jti
    new.record(user_id=user.pk)
    return {"access": str(new.access_token), "refresh": str(new)}


def _family_revoke(*, user_id: int, family: str) -> int:
    """Blacklist every live refresh token of one family (a member has few live tokens)."""
    live = OutstandingToken.objects.filter(
        user_id=user_id, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).values_list("pk", "token")
    ids = [pk for pk, text in live if _claims(text).get(FAMILY_CLAIM) == family]
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token_id=pk) for pk in ids], ignore_conflicts=True)
    return len(ids)


def _claims(text: str) -> dict[str, Any]:
    # Our own stored tokens: their signatures were checked when they were issued.
    try:
        return jwt.decode(text, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}


@transaction.atomic
def sessions_revoke(*, user_ids: list[int]) -> None:
    """Sign these members out everywhere: every token refused, every open socket closed on commit."""
    if not user_ids:
        return
    User.objects.filter(pk__in=user_ids).update(token_version=F("token_version") + 1)
    outstanding, blacklisted = OutstandingToken._meta.db_table, BlacklistedToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {blacklisted} (token_id, blacklisted_at)
            SELECT o.id, now() FROM {outstanding} o
            WHERE o.user_id = ANY(%s) AND o.expires_at > now()
            ON CONFLICT (token_id) DO NOTHING
            """,  # noqa: S608 - table names from the models
            [list(user_ids)],
        )
    close_user_sockets_on_commit(list(user_ids))


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> dict[str, str]:
    """Change the password with the current one; every other session ends. Answers fresh tokens."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ValidationFailed("The current password is wrong.", code="wrong_password")
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "Choose a stronger password.", code="weak_password", details={"new_password": exc.messages}
        ) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_revoke(user_ids=[user.pk])
    user.refresh_from_db(fields=["token_version"])
    return session_start(user=user)


# --- WebSocket tickets -------------------------------------------------------------
#
# A URL is written to access logs, proxies and browser history, so a socket is
# opened with a ticket rather than a token: random, good for one connect within
# WS_TICKET_SECONDS. The cache keeps only the ticket's hash. Redemption is
# get-then-delete, and only the caller whose delete removed the key wins (a
# Redis DEL is atomic), so a ticket opens at most one socket.

WS_TICKET_SECONDS = 30
_TICKET_PREFIX = "ws-ticket:"


def _ticket_key(ticket: str) -> str:
    return _TICKET_PREFIX + hashlib.sha256(ticket.encode()).hexdigest()


def ws_ticket_issue(*, user: User) -> tuple[str, int]:
    """A single-use ticket for `/ws/?ticket=`: `(ticket, seconds it is valid)`."""
    ticket = secrets.token_urlsafe(32)
    cache.set(_ticket_key(ticket), f"{user.pk}:{user.token_version}", WS_TICKET_SECONDS)
    return ticket, WS_TICKET_SECONDS


def ws_ticket_redeem(*, ticket: str) -> User | None:
    """The member a ticket was issued to, if it is unused, unexpired and they are still signed in."""
    if not ticket or len(ticket) > 128:
        return None
    key = _ticket_key(ticket)
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    user_id, _, version = str(value).partition(":")
    user = user_load(user_id=int(user_id))
    if user is None or not user.is_active or str(user.token_version) != version:
        return None
    return user


def on_user_deleted(sender: Any, instance: User, using: str, **kwargs: Any) -> None:
    """A deleted member's tokens already fail (no member to load); their open sockets close on commit.

    Connected to `post_delete` rather than called from one service because a
    member row goes away by more than one road (the admin, a cascade).
    """
    close_user_sockets_on_commit([instance.pk], using=using)


@transaction.atomic
def refresh_tokens_flush_expired() -> int:
    """Forget refresh tokens past their expiry (refused by their signature anyway). Two statements."""
    outstanding, blacklisted = OutstandingToken._meta.db_table, BlacklistedToken._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {blacklisted} WHERE token_id IN "  # noqa: S608 - table names from the models
            f"(SELECT id FROM {outstanding} WHERE expires_at <= %s)",
            [now],
        )
        cursor.execute(f"DELETE FROM {outstanding} WHERE expires_at <= %s", [now])  # noqa: S608
        deleted: int = cursor.rowcount
        return deleted
