"""Reports, the audit log, strikes (with appeal decisions) and appeals of prompt blocks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from moderation import services
from moderation.admin.base import ReadOnlyAdmin, ReasonActionForm, staff
from moderation.models import AuditEvent, PromptAppeal, PromptAppealDecision, Report, Strike
from sora_social.common.errors import ApplicationError


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "reason",
        "subject_kind",
        "subject_id",
        "reporter",
        "trust",
        "outcome",
        "created_at",
    ]
    list_filter = ["reason", "outcome"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "actor", "subject_kind", "subject_id", "case", "reason"]
    list_filter = ["event"]
    search_fields = ["reason", "event"]


def _decide_appeals(overturn: bool) -> Any:
    def run(modeladmin: StrikeAdmin, request: HttpRequest, queryset: QuerySet[Strike]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            modeladmin.message_user(request, "Give a reason.", messages.ERROR)
            return
        for strike_id in queryset.values_list("id", flat=True):
            try:
                services.strike_appeal_decide(
                    strike_id=strike_id, actor=staff(request), overturn=overturn, reason=reason
                )
            except ApplicationError as exc:
                modeladmin.message_user(request, f"strike {strike_id}: {exc.message}", messages.WARNING)

    run.__name__ = "overturn" if overturn else "uphold"
    return admin.action(description="Overturn appealed strikes" if overturn else "Uphold appealed strikes")(
        run
    )


@admin.register(Strike)
class StrikeAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "category", "state", "appeal_deadline", "appealed_at", "decided_by"]
    list_filter = ["state", "category"]
    action_form = ReasonActionForm
    actions = [_decide_appeals(True), _decide_appeals(False)]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for admin actions to show; the form itself has no editable fields.
        return bool(request.user.is_staff)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


def _decide_prompt_appeals(overturn: bool) -> Any:
    def run(modeladmin: PromptAppealAdmin, request: HttpRequest, queryset: QuerySet[PromptAppeal]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            modeladmin.message_user(request, "Give a reason.", messages.ERROR)
            return
        for appeal_id in queryset.values_list("id", flat=True):
            try:
                services.prompt_appeal_decide(
                    appeal_id=appeal_id, actor=staff(request), overturn=overturn, reason=reason
                )
            except ApplicationError as exc:
                modeladmin.message_user(request, f"appeal {appeal_id}: {exc.message}", messages.WARNING)

    run.__name__ = "overturn_prompt_block" if overturn else "uphold_prompt_block"
    label = "Overturn the prompt block (member may run it again)" if overturn else "Uphold the prompt block"
    return admin.action(description=label)(run)


@admin.register(PromptAppeal)
class PromptAppealAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "user",
        "subject_kind",
        "subject_id",
        "state",
        "flagged",
        "created_at",
        "decided_by",
    ]
    list_filter = ["state"]
    search_fields = ["prompt", "note"]
    action_form = ReasonActionForm
    actions = [_decide_prompt_appeals(True), _decide_prompt_appeals(False)]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for admin actions to show; the form itself has no editable fields.
        return bool(request.user.is_staff)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


@admin.register(PromptAppealDecision)
class PromptAppealDecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "decision", "flagged", "moderator", "created_at"]
    list_filter = ["decision"]
