"""The review queue: cases, one at a time, bulk actions, and the dashboard.

Everything a moderator does here goes through `moderation.services` (so it is
permission-checked per category, needs a reason, and lands in the audit log).
The case page shows the subject through the adapter its owning app registered.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from moderation import registry, selectors, services
from moderation.admin.base import ReasonActionForm, staff
from moderation.admin.charts import bar_chart
from moderation.categories import LABELS
from moderation.models import Case, CaseState
from sora_social.common.errors import ApplicationError

ACTION_BUTTONS = [
    ("remove", "Remove"),
    ("age_restrict", "Age-restrict"),
    ("label", "Label"),
    ("restore", "Restore"),
    ("dismiss", "Dismiss"),
    ("warn", "Warn owner"),
    ("strike", "Strike owner"),
    ("suspend", "Suspend owner"),
    ("ban", "Ban owner"),
    ("freeze_subtree", "Freeze invite subtree"),
]
# On a case opened by a member's appeal of a prompt block, while the appeal is pending.
APPEAL_BUTTONS = [
    ("overturn_appeal", "Overturn the prompt block"),
    ("uphold_appeal", "Uphold the prompt block"),
]


def _bulk(action: str, label: str) -> Any:
    def run(modeladmin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            modeladmin.message_user(request, "Give a reason for bulk actions.", messages.ERROR)
            return
        done = 0
        for case_id in queryset.values_list("id", flat=True):
            try:
                services.case_act(case_id=case_id, action=action, actor=staff(request), reason=reason)
                done += 1
            except ApplicationError as exc:
                modeladmin.message_user(request, f"case {case_id}: {exc.message}", messages.WARNING)
        modeladmin.message_user(request, f"{label}: {done} case(s).", messages.SUCCESS)

    run.__name__ = f"bulk_{action}"
    return admin.action(description=f"{label} (with the reason above)")(run)


@admin.action(description="Assign to me")
def assign_to_me(modeladmin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
    for case_id in queryset.values_list("id", flat=True):
        try:
            services.case_assign(case_id=case_id, assignee=staff(request), actor=staff(request))
        except ApplicationError as exc:
            modeladmin.message_user(request, f"case {case_id}: {exc.message}", messages.WARNING)


class CategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(c, LABELS.get(c, c.replace("_", " "))) for c in services.CASE_CATEGORIES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        return queryset.filter(category=self.value()) if self.value() else queryset


class StateFilter(admin.SimpleListFilter):
    """Unresolved by default: the queue is the work still to do."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unresolved", "unresolved"), *[(s, s) for s in CaseState.values], ("all", "all")]

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            if choice["display"] == "All":
                continue  # "unresolved" is the default, "all" is explicit
            if self.value() is None and choice["display"] == "unresolved":
                choice["selected"] = True
            yield choice

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value = self.value() or "unresolved"
        if value == "unresolved":
            return queryset.exclude(state=CaseState.RESOLVED)
        if value == "all":
            return queryset
        return queryset.filter(state=value)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "priority",
        "category",
        "state",
        "subject",
        "report_count",
        "fast_track",
        "assignee",
        "opened_at",
    ]
    list_display_links = ["priority", "subject"]
    list_filter = [CategoryFilter, StateFilter, "assignee", "fast_track", "source"]
    ordering = ["-priority", "id"]
    list_per_page = 50
    action_form = ReasonActionForm
    actions = [
        assign_to_me,
        _bulk("remove", "Remove"),
        _bulk("dismiss", "Dismiss"),
        _bulk("age_restrict", "Age-restrict"),
        _bulk("label", "Label"),
    ]
    change_list_template = "admin/moderation/case/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        qs = super().get_queryset(request).select_related("assignee")
        allowed = selectors.moderator_categories(staff(request))
        return qs if allowed is None else qs.filter(category__in=allowed)

    @admin.display(description="subject")
    def subject(self, case: Case) -> str:
        return f"{case.subject_kind} {case.subject_id}"

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("dashboard/", wrap(self.dashboard_view), name="moderation_case_dashboard"),
            path("<int:case_id>/act/", wrap(self.act_view), name="moderation_case_act"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        case = self.get_queryset(request).filter(pk=object_id).select_related("verdict").first()
        if case is None:
            # A private ModelAdmin helper (what the stock change view answers); django-stubs omits it.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        subject, lineage, credits = None, [], []
        try:
            adapter = registry.adapter_for(case.subject_kind)
            subject = adapter.render(case.subject_id)
            lineage = adapter.lineage(case.subject_id)
            credits = adapter.credits(case.subject_id)
        except ApplicationError:
            pass
        verdicts = list(selectors.verdicts_for_subject(kind=case.subject_kind, object_id=case.subject_id)[:5])
        appeal = selectors.prompt_appeal_for_case(case_id=case.id)
        pending = appeal is not None and appeal.state == appeal.State.PENDING
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Case {case.id}",
            "case": case,
            "subject": subject,
            "lineage": lineage,
            "credits": credits,
            "verdicts": [
                {"row": v, "scores": sorted(v.scores.items(), key=lambda kv: -kv[1])} for v in verdicts
            ],
            "reports": case.reports.select_related("reporter").order_by("-id")[:50],
            "actions": case.actions.select_related("actor").order_by("-id"),
            "audit": case.audit.select_related("actor").order_by("-id")[:50],
            "buttons": (APPEAL_BUTTONS if pending else []) + ACTION_BUTTONS,
            "prompt_appeal": appeal,
            "removed": selectors.subject_is_removed(kind=case.subject_kind, object_id=case.subject_id),
        }
        return TemplateResponse(request, "admin/moderation/case/review.html", context)

    def act_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        back = reverse("admin:moderation_case_change", args=[case_id])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            if action == "assign":
                services.case_assign(case_id=case_id, assignee=staff(request), actor=staff(request))
            elif action in ("overturn_appeal", "uphold_appeal"):
                services.prompt_appeal_decide_for_case(
                    case_id=case_id, actor=staff(request), overturn=action == "overturn_appeal", reason=reason
                )
            elif action == "escalate":
                services.case_transition(
                    case_id=case_id, to=CaseState.ESCALATED, actor=staff(request), reason=reason
                )
            else:
                services.case_act(case_id=case_id, action=action, actor=staff(request), reason=reason)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, f"{action}: done.", messages.SUCCESS)
        return HttpResponseRedirect(back)

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        data = selectors.cases_per_day(days=int(request.GET.get("days", 14) or 14))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Moderation dashboard",
            "charts": [
                bar_chart("Cases opened per day", data["dates"], data["opened"]),
                bar_chart("Cases resolved per day", data["dates"], data["resolved"]),
            ],
            "open_by_category": selectors.open_case_counts(),
        }
        return TemplateResponse(request, "admin/moderation/case/dashboard.html", context)
