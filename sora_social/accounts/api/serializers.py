"""The DRF serializers of the accounts API: sign-in input and the schema components of answers.

Answers are built by `sora_social.accounts.presenters` (plain dicts); the
components here only describe them in the OpenAPI schema. Per-view input
serializers stay on their views.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers

from sora_social.accounts import services
from sora_social.accounts.tokens import MemberRefreshToken
from sora_social.common.schema import component


class TokenObtainPairSerializer(jwt_serializers.TokenObtainPairSerializer):
    token_class = MemberRefreshToken

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # simplejwt declares both as CharField; the stubs only know Field.
        username = cast(serializers.CharField, self.fields[self.username_field])
        password = cast(serializers.CharField, self.fields["password"])
        username.max_length = 150
        password.max_length = 128
        for field in (username, password):
            field.validators.append(MaxLengthValidator(field.max_length))


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    refresh = serializers.CharField(max_length=1024)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        return services.session_refresh(raw=attrs["refresh"])


def region_field() -> serializers.RegexField:
    """A two-letter country code, as the schema's pattern says (ASCII letters, no padding)."""
    return serializers.RegexField(
        r"^[A-Za-z]{2}$", trim_whitespace=False, error_messages={"invalid": "A two-letter country code."}
    )


def public_user_fields() -> dict[str, Any]:
    return {
        "id": serializers.CharField(),
        "username": serializers.CharField(),
        "display_name": serializers.CharField(),
        "bio": serializers.CharField(allow_blank=True),
    }


# drf-spectacular's simplejwt extension describes only simplejwt's own serializer
# classes, not subclasses; the answers are declared here.
PAIR = component("TokenObtainPair", {"access": serializers.CharField(), "refresh": serializers.CharField()})
ROTATED = component("TokenRefresh", {"access": serializers.CharField(), "refresh": serializers.CharField()})

MeOutput = inline_serializer(
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
        "avatar_url": serializers.CharField(allow_null=True),
        "counts": component(
            "ProfileCounts",
            {
                "followers": serializers.IntegerField(),
                "following": serializers.IntegerField(),
                "posts": serializers.IntegerField(),
            },
        ),
    },
)


def _member_card_fields() -> dict[str, Any]:
    return {
        "id": serializers.CharField(),
        "username": serializers.CharField(),
        "display_name": serializers.CharField(),
        "avatar_url": serializers.CharField(
            allow_null=True, help_text="Signed, short-lived; null when the member has no avatar."
        ),
        "followed_by_me": serializers.BooleanField(),
        "follows_me": serializers.BooleanField(),
    }


MemberCard = component("MemberCard", _member_card_fields())
ProfileOut = component(
    "Profile",
    {
        **_member_card_fields(),
        "bio": serializers.CharField(allow_blank=True),
        "counts": component(
            "ProfileCounts",
            {
                "followers": serializers.IntegerField(),
                "following": serializers.IntegerField(),
                "posts": serializers.IntegerField(),
            },
        ),
        "date_joined": serializers.DateTimeField(),
    },
)

TokensOut = inline_serializer(
    "SessionTokens", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)

CodeOut = inline_serializer(
    "InviteCodeOut",
    many=True,
    fields={
        "code": serializers.CharField(),
        "state": serializers.ChoiceField(choices=["available", "redeemed", "disabled"]),
        "redeemed_by": serializers.DictField(allow_null=True),
        "redeemed_at": serializers.DateTimeField(allow_null=True),
    },
)

Relation = inline_serializer(
    "Relation",
    {"user": component("PublicUser", public_user_fields()), "following": serializers.BooleanField()},
)

BlockOut = inline_serializer(
    "BlockOut", {"user_id": serializers.CharField(), "blocked": serializers.BooleanField()}
)

LinkOut = inline_serializer(
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
