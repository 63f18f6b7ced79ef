"""The moderators' admin: the review queue, one case at a time, bulk actions, the dashboard.

Everything a moderator does here goes through `moderation.services` (so it is
permission-checked per category, needs a reason, and lands in the audit log).
The queue and the dashboard are plain Django admin views; the case page shows
the subject through the adapter its owning app registered.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from moderation import registry, selectors, services
from moderation.categories import LABELS
from moderation.models import (
    AuditEvent,
    BlockedTerm,
    Case,
    CaseState,
    ModeratorGroup,
    Policy,
    Report,
    RescanJob,
    RightsHolderEntry,
    RightsHolderImage,
    StoredVerdict,
    Strike,
)
from moderation.policies import active_policy
from sora_social.accounts.models import User
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


class ReasonActionForm(ActionForm):
    """Bulk actions need a reason too."""

    reason = forms.CharField(required=False, max_length=500, widget=forms.TextInput(attrs={"size": 40}))


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member (the admin site lets no one else in)."""
    return cast(User, request.user)


def _bulk(action: str, label: str) -> Any:
    def run(modeladmin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            modeladmin.message_user(request, "Give a reason for bulk actions.", messages.ERROR)
            return
        done = 0
        for case_id in queryset.values_list("id", flat=True):
            try:
                services.case_act(case_id=case_id, action=action, actor=_staff(request), reason=reason)
                done += 1
            except ApplicationError as exc:
                modeladmin.message_user(request, f"case {case_id}: {exc.message}", messages.WARNING)
        modeladmin.message_user(request, f"{label}: {done} case(s).", messages.SUCCESS)

    run.__name__ = f"bulk_{action}"
    run.short_description = f"{label} (with the reason above)"  # type: ignore[attr-defined]
    return run


def assign_to_me(modeladmin: CaseAdmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
    for case_id in queryset.values_list("id", flat=True):
        try:
            services.case_assign(case_id=case_id, assignee=_staff(request), actor=_staff(request))
        except ApplicationError as exc:
            modeladmin.message_user(request, f"case {case_id}: {exc.message}", messages.WARNING)


assign_to_me.short_description = "Assign to me"  # type: ignore[attr-defined]


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
        allowed = selectors.moderator_categories(_staff(request))
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
            "buttons": ACTION_BUTTONS,
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
                services.case_assign(case_id=case_id, assignee=_staff(request), actor=_staff(request))
            elif action == "escalate":
                services.case_transition(
                    case_id=case_id, to=CaseState.ESCALATED, actor=_staff(request), reason=reason
                )
            else:
                services.case_act(case_id=case_id, action=action, actor=_staff(request), reason=reason)
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
                _bar_chart("Cases opened per day", data["dates"], data["opened"]),
                _bar_chart("Cases resolved per day", data["dates"], data["resolved"]),
            ],
            "open_by_category": _open_counts(),
        }
        return TemplateResponse(request, "admin/moderation/case/dashboard.html", context)


PALETTE = [
    "#c0392b",
    "#8e44ad",
    "#2980b9",
    "#16a085",
    "#d35400",
    "#2c3e50",
    "#7f8c8d",
    "#27ae60",
    "#f39c12",
    "#e84393",
    "#6c5ce7",
]


def _bar_chart(title: str, dates: list[str], series: dict[str, list[int]]) -> dict[str, Any]:
    """A stacked bar chart as SVG geometry (no JavaScript, no external assets)."""
    width, height, pad = 720, 220, 30
    totals = [sum(values[i] for values in series.values()) for i in range(len(dates))]
    top = max([1, *totals])
    slot = (width - pad) / max(len(dates), 1)
    bars = []
    colors = {cat: PALETTE[i % len(PALETTE)] for i, cat in enumerate(sorted(series))}
    for i, _day in enumerate(dates):
        y: float = height - pad
        for category in sorted(series):
            value = series[category][i]
            if not value:
                continue
            h = (height - 2 * pad) * value / top
            y -= h
            bars.append(
                {
                    "x": pad + i * slot + 2,
                    "y": round(y, 1),
                    "w": round(slot - 4, 1),
                    "h": round(h, 1),
                    "color": colors[category],
                    "title": f"{dates[i]} {category}: {value}",
                }
            )
    labels = [{"x": pad + i * slot + slot / 2, "text": d[5:]} for i, d in enumerate(dates)]
    return {
        "title": title,
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "top": top,
        "legend": [{"category": c, "color": colors[c], "total": sum(series[c])} for c in sorted(series)],
        "baseline": height - pad,
    }


def _open_counts() -> list[dict[str, Any]]:
    rows = (
        Case.objects.exclude(state=CaseState.RESOLVED)
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [dict(row) for row in rows]


class RightsHolderImageInline(admin.TabularInline):
    model = RightsHolderImage
    extra = 1


@admin.register(RightsHolderEntry)
class RightsHolderEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "rights_holder", "kind", "choice", "active", "updated_at"]
    list_filter = ["choice", "kind", "active"]
    search_fields = ["name", "slug", "rights_holder", "description"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [RightsHolderImageInline]


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
            actor=_staff(request),
            thresholds=form.cleaned_data["thresholds"],
            teen_thresholds=form.cleaned_data["teen_thresholds"],
            note=form.cleaned_data["note"],
            rescan_block_action=form.cleaned_data["rescan_block_action"],
        )
        obj.pk = published.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
                    strike_id=strike_id, actor=_staff(request), overturn=overturn, reason=reason
                )
            except ApplicationError as exc:
                modeladmin.message_user(request, f"strike {strike_id}: {exc.message}", messages.WARNING)

    run.__name__ = "overturn" if overturn else "uphold"
    run.short_description = "Overturn appealed strikes" if overturn else "Uphold appealed strikes"  # type: ignore[attr-defined]
    return run


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
