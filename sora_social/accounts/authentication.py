"""Bearer-token authentication for the API: simplejwt's token checks, the member loaded cheaply.

Every authenticated request loads its member. simplejwt does that with
`User.objects.get`, which compiles the query each time (about three quarters
of the lookup's cost here); `user_load` runs one prepared statement instead.
The checks are simplejwt's own: a recognisable id claim, an existing and
active member, and the password-change revocation claim when it is enabled.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from sora_social.accounts.selectors import user_load


class BearerAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Any) -> Any:
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidToken(_("Token contained no recognizable user identification")) from e
        user = user_load(user_id=user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class BearerAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: the same bearer JWT as simplejwt's."""

    target_class = "sora_social.accounts.authentication.BearerAuthentication"
