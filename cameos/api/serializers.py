"""Schema components of the cameos API (drf-spectacular): the shapes `cameos.presenters` answers.

Request bodies are validated by the views' nested `InputSerializer`s.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cameos.models import Audience
from cameos.rules import RESTRICTION_CODES
from sora_social.common.schema import component


def cameo_schema(many: bool = False) -> Any:
    return component(
        "Cameo",
        {
            "id": serializers.CharField(),
            "owner_id": serializers.CharField(),
            "state": serializers.ChoiceField(["awaiting_recording", "processing", "verified", "rejected"]),
            "audience": serializers.ChoiceField(Audience.values),
            "rules": serializers.CharField(),
            "restrictions": serializers.ListField(child=serializers.ChoiceField(RESTRICTION_CODES)),
            "challenge": serializers.JSONField(required=False, allow_null=True),
            "reasons": serializers.ListField(child=serializers.CharField(), required=False),
            "created_at": serializers.DateTimeField(),
            "verified_at": serializers.DateTimeField(allow_null=True),
        },
        many=many,
    )


def appearance_schema(many: bool = False) -> Any:
    return component(
        "CameoAppearance",
        {
            "id": serializers.CharField(),
            "kind": serializers.ChoiceField(["generation", "post"]),
            "object_id": serializers.CharField(),
            "creator_id": serializers.CharField(allow_null=True),
            "source": serializers.ChoiceField(["cast", "detected"]),
            "score": serializers.FloatField(allow_null=True),
            "created_at": serializers.DateTimeField(),
        },
        many=many,
    )


def request_schema(many: bool = False) -> Any:
    return component(
        "CameoRequest",
        {
            "id": serializers.CharField(),
            "cameo_id": serializers.CharField(),
            "requester_id": serializers.CharField(),
            "message": serializers.CharField(),
            "state": serializers.ChoiceField(["pending", "approved", "denied"]),
            "created_at": serializers.DateTimeField(),
            "decided_at": serializers.DateTimeField(allow_null=True),
        },
        many=many,
    )


def notification_schema(many: bool = False) -> Any:
    return component(
        "CameoNotification",
        {
            "id": serializers.CharField(),
            "kind": serializers.CharField(),
            "cameo_id": serializers.CharField(),
            "actor_id": serializers.CharField(allow_null=True),
            "data": serializers.JSONField(),
            "created_at": serializers.DateTimeField(),
            "read_at": serializers.DateTimeField(allow_null=True),
        },
        many=many,
    )


def approval_schema(many: bool = False) -> Any:
    return component(
        "CameoUseApproval",
        {
            "id": serializers.CharField(),
            "cameo_id": serializers.CharField(),
            "requester_id": serializers.CharField(),
            "kind": serializers.ChoiceField(["generation"]),
            "object_id": serializers.CharField(),
            "prompt": serializers.CharField(),
            "state": serializers.ChoiceField(["pending", "approved", "denied"]),
            "created_at": serializers.DateTimeField(),
            "decided_at": serializers.DateTimeField(allow_null=True),
        },
        many=many,
    )
