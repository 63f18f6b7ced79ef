"""Policies, blocklist terms, moderator groups, rescans and verdicts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from moderation import services
from moderation.admin.base import ReadOnlyAdmin, staff
from moderation.models import (
    BlockedTerm,
    ModeratorGroup,
    Policy,
    RescanJob,
    StoredVerdict,
)
from moderation.policies import active_policy


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "category", "active", "updated_at"]
    list_filter = ["category", "active"]
    search_fields = ["term"]


@admin.register(ModeratorGroup)
class ModeratorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "categories", "account_actions"]
    filter_horizontal = ["members"]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["thresholds", "teen_thresholds", "rescan_block_action", "note"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """New versions only: publishing one makes it active and starts a rescan."""

    form = PolicyForm
    list_display = ["label", "active", "note", "created_by", "created_at"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        current = active_policy()
        return {"thresholds": current.thresholds, "teen_thresholds": current.teen_thresholds}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        published = services.policy_publish(
            actor=staff(request),
            thresholds=form.cleaned_data["thresholds"],
            teen_thresholds=form.cleaned_data["teen_thresholds"],
            note=form.cleaned_data["note"],
            rescan_block_action=form.cleaned_data["rescan_block_action"],
        )
        obj.pk = published.pk


@admin.register(RescanJob)
class RescanJobAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "policy",
        "state",
        "done",
        "total",
        "changed",
        "progress",
        "created_at",
        "finished_at",
    ]


@admin.register(StoredVerdict)
class StoredVerdictAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "decision",
        "flagged",
        "subject_kind",
        "subject_id",
        "policy_version",
        "created_at",
    ]
    list_filter = ["kind", "decision", "policy_version", "teen"]
