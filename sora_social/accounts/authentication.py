"""Bearer-token authentication for the API: simplejwt's token checks, the member loaded cheaply.

Every authenticated request loads its member. simplejwt does that with
`User.objects.get`, which compiles the query each time (about three quarters
of the lookup's cost here); `user_load` runs one prepared statement instead.
The checks are simplejwt's own: a recognisable id claim, an existing and
active member, and the password-change revocation claim when it is enabled.

A client sends the same access token with every request for its lifetime, and
checking its signature and claims cost about a tenth of a feed request. Tokens
that passed are kept in a bounded in-process map keyed by their exact bytes; a
token found there is the same token already checked, so only its expiry is
checked again (an access token has no other state: simplejwt keeps no
blacklist of access tokens, and the member is loaded and checked on every
request, its token version included, so signing a member out everywhere
beats the map). The map is emptied when the signing settings change.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.utils.translation import gettext
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import aware_utcnow, get_md5_hash_password

from sora_social.accounts.selectors import user_load
from sora_social.accounts.tokens import token_version_of

# Raw token -> its validated token. Emptied when full, not evicted one by one:
# a dict's clear() is atomic under concurrent requests.
VERIFIED_TOKENS_MAX = 4096
_verified: dict[bytes, Any] = {}


def _forget_verified(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _verified.clear()


setting_changed.connect(_forget_verified)


class BearerAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Any:
        token = _verified.get(raw_token)
        if token is not None:
            try:
                token.check_exp(current_time=aware_utcnow())
            except TokenError:
                _verified.pop(raw_token, None)  # expired: refused below as simplejwt refuses it
            else:
                return token
        token = super().get_validated_token(raw_token)
        if len(_verified) >= VERIFIED_TOKENS_MAX:
            _verified.clear()
        _verified[raw_token] = token
        return token

    def get_user(self, validated_token: Any) -> Any:  # a User; simplejwt types it as a TypeVar
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidToken(gettext("Token contained no recognizable user identification")) from e
        user = user_load(user_id=user_id)
        if user is None:
            raise AuthenticationFailed(gettext("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(gettext("User is inactive"), code="user_inactive")
        # The member row is loaded on every request, so this check beats the
        # map above: a token remembered by its bytes is still refused once the
        # member's token version moved on (password change, suspension, ban).
        if token_version_of(validated_token) != user.token_version:
            raise AuthenticationFailed(
                gettext("This session has ended; sign in again."), code="token_revoked"
            )
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                gettext("The user's password has been changed."), code="password_changed"
            )
        return user


class BearerAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: the same bearer JWT as simplejwt's."""

    target_class = "sora_social.accounts.authentication.BearerAuthentication"
