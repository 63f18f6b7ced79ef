"""The member's JWTs: simplejwt's tokens with a token version and a family.

- `tv` (token version): the member's `token_version` when the token was minted.
  Raising the column refuses every earlier token at once (password change,
  suspension, ban). Tokens without the claim count as version 0.
- `fam` (family): the id of the sign-in a refresh token descends from (the
  first token's jti). Rotation keeps it; an access token copies it from its
  refresh token. Reuse of a used refresh token blacklists the whole family.

Every refresh token is recorded in simplejwt's outstanding-token table with its
text, which is where a family's members are found again.
"""

from __future__ import annotations

from typing import Any

from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from sora_social.accounts.models import User

TOKEN_VERSION_CLAIM = "tv"  # noqa: S105 - a claim name
FAMILY_CLAIM = "fam"


def token_version_of(token: Any) -> int:
    """The version a token was minted under (0 for tokens minted before versions existed)."""
    try:
        return int(token.get(TOKEN_VERSION_CLAIM, 0))
    except (TypeError, ValueError):
        return -1  # never a member's version


class MemberRefreshToken(RefreshToken):
    @classmethod
    def for_user(cls, user: User) -> MemberRefreshToken:  # type: ignore[override]  # members only, not any auth user
        """A new sign-in: a new family, recorded as outstanding."""
        token = cls()
        token[api_settings.USER_ID_CLAIM] = str(user.pk)
        token[TOKEN_VERSION_CLAIM] = user.token_version
        token[FAMILY_CLAIM] = token[api_settings.JTI_CLAIM]
        token.record(user_id=user.pk)
        return token

    def record(self, *, user_id: int) -> None:
        OutstandingToken.objects.create(
            user_id=user_id,
            jti=self[api_settings.JTI_CLAIM],
            token=str(self),
            created_at=self.current_time,
            expires_at=datetime_from_epoch(self["exp"]),
        )


def tokens_for(user: User) -> dict[str, str]:
    """`{access, refresh}` for a fresh sign-in of `user`."""
    refresh = MemberRefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}
