"""Notifications in the admin: read-only records for support staff."""

from __future__ import annotations

from django.contrib import admin

from sora_social.notifications.models import Notification, NotificationGroup, PushDevice


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "actor", "target_type", "target_id", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "actor", "group")


@admin.register(NotificationGroup)
class NotificationGroupAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "count", "latest_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)


@admin.register(PushDevice)
class PushDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "created_at", "last_sent_at")
    raw_id_fields = ("user",)
    exclude = ("token",)
