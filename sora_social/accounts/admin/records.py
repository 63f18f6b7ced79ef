"""The audit trail (read-only), parental links (end them), teen settings, follows, blocks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sora_social.accounts import services
from sora_social.accounts.models import AccountAction, Block, Follow, ParentalLink, TeenSettings
from sora_social.accounts.viewer import member_of


@admin.register(AccountAction)
class AccountActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "actor", "target", "affected", "dry_run", "reason")
    list_filter = ("kind", "dry_run")
    search_fields = ("reason", "target__username", "actor__username")
    raw_id_fields = ("actor", "target")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ParentalLink)
class ParentalLinkAdmin(admin.ModelAdmin):
    list_display = ("id", "parent", "teen", "state", "created_at", "accepted_at", "confirmed_at", "ended_at")
    list_filter = ("state",)
    raw_id_fields = ("parent", "teen")
    readonly_fields = ("confirm_token_hash", "code")
    actions = ["end_links"]

    @admin.action(description="End selected parental links (teen back on the defaults)")
    def end_links(self, request: HttpRequest, queryset: QuerySet[ParentalLink]) -> None:
        ended = 0
        for link in queryset.exclude(state=ParentalLink.State.REVOKED):
            services.parental_link_end(
                link_id=link.pk, actor=member_of(request), reason="ended by a moderator in the admin"
            )
            ended += 1
        self.message_user(request, f"Ended {ended} parental link(s).")


@admin.register(TeenSettings)
class TeenSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "teen",
        "daily_feed_budget",
        "personalization_enabled",
        "dms_enabled",
        "cameo_audience_max",
    )
    raw_id_fields = ("teen", "updated_by")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    """Read-only: a follow changes through `services.graph`, which moves the stored counters."""

    list_display = ("follower", "followee", "created_at")
    raw_id_fields = ("follower", "followee")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Follow | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Follow | None = None) -> bool:
        return False


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")
