"""Schema components of the notifications endpoints (bodies are built in presenters)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from sora_social.common.schema import component
from sora_social.notifications import kinds


def actor_schema(many: bool = False) -> Any:
    return component(
        "NotificationActor",
        {
            "id": serializers.CharField(),
            "username": serializers.CharField(),
            "display_name": serializers.CharField(),
        },
        many=many,
    )


def group_schema() -> Any:
    return component(
        "NotificationGroup",
        {
            "id": serializers.CharField(help_text="The group's id."),
            "kind": serializers.CharField(
                help_text="like, comment, remix, follow, cameo.*, dm_request, moderation.*, ..."
            ),
            "text": serializers.CharField(help_text='What to show: "ana and 11 others liked your post".'),
            "count": serializers.IntegerField(
                help_text="Distinct actors in the group (1 for a kind that does not group)."
            ),
            "actors": actor_schema(many=True),
            "target": component(
                "NotificationTarget",
                {"type": serializers.CharField(), "id": serializers.CharField(allow_null=True)},
                allow_null=True,
            ),
            "payload": serializers.JSONField(help_text="The newest event's details, by kind."),
            "notification_id": serializers.CharField(
                help_text="The group's newest notification; pass as `up_to_id` to mark read up to here."
            ),
            "latest_at": serializers.DateTimeField(),
            "read": serializers.BooleanField(),
        },
    )


def unread_schema() -> Any:
    return component("NotificationsUnread", {"unread": serializers.IntegerField(min_value=0)})


def marked_schema() -> Any:
    return component(
        "NotificationsMarked",
        {"marked": serializers.IntegerField(min_value=0), "unread": serializers.IntegerField(min_value=0)},
    )


def preferences_schema() -> Any:
    return component(
        "NotificationPreferences",
        {
            "muted": serializers.ListField(child=serializers.ChoiceField(list(kinds.MUTABLE))),
            "kinds": serializers.ListField(
                child=serializers.CharField(), help_text="Every kind that can be muted."
            ),
        },
    )


def device_schema() -> Any:
    return component(
        "PushDevice",
        {
            "id": serializers.CharField(),
            "platform": serializers.ChoiceField(["ios", "android"]),
            "created_at": serializers.DateTimeField(),
        },
    )
