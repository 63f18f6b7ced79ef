"""Invite codes (issue root codes, disable), the waitlist (admit a wave) and redemption attempts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from sora_social.accounts import selectors, services
from sora_social.accounts.admin.actions import FORM_TEMPLATE
from sora_social.accounts.models import InviteAttempt, InviteCode, WaitlistEntry
from sora_social.accounts.viewer import member_of
from sora_social.common.errors import ApplicationError


class _StaffPageAdmin(admin.ModelAdmin):
    """An admin with one page of its own beside the change list: `page_route`, routed as
    `<app>_<model>_<page_name>`, open only to staff holding `page_permission`; the change list
    template learns `page_flag` (whether to link it). Subclasses write `page_view`."""

    page_route = ""
    page_name = ""
    page_flag = ""
    page_permission = ""

    def get_urls(self) -> list[Any]:
        return [
            path(
                self.page_route,
                self.admin_site.admin_view(self._guarded_page),
                name=f"{self.opts.app_label}_{self.opts.model_name}_{self.page_name}",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {self.page_flag: request.user.has_perm(self.page_permission), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def _guarded_page(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(self.page_permission):
            raise PermissionDenied
        return self.page_view(request)

    def page_view(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def render_page(self, request: HttpRequest, **context: Any) -> TemplateResponse:
        """The page: the shared form template with the admin's context, `context` and this model."""
        return TemplateResponse(
            request,
            FORM_TEMPLATE,
            {**self.admin_site.each_context(request), **context, "opts": self.model._meta},
        )


class RootCodesForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=10_000, initial=10)
    note = forms.CharField(required=False, help_text="For whom (kept with the codes).")
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why. Kept in the audit trail."
    )


@admin.register(InviteCode)
class InviteCodeAdmin(_StaffPageAdmin):
    list_display = ("display", "owner", "state", "redeemed_by", "redeemed_at", "created_at", "note")
    list_filter = ("state", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("code", "owner__username", "redeemed_by__username")
    raw_id_fields = ("owner", "issued_by", "redeemed_by")
    readonly_fields = ("code", "owner", "issued_by", "redeemed_by", "redeemed_at", "created_at", "code_risk")
    actions = ["disable_codes"]
    page_route = "issue-root/"
    page_name = "issue"
    page_flag = "can_issue"
    page_permission = "accounts.issue_invites"

    @admin.display(description="Attempts on this code")
    def code_risk(self, obj: InviteCode) -> str:
        r = selectors.invite_code_risk(code_id=obj.pk)
        return (
            f"{r['attempts']} attempts from {r['ips']} IPs, {r['networks']} networks, {r['devices']} devices"
        )

    @admin.action(description="Disable selected available codes")
    def disable_codes(self, request: HttpRequest, queryset: QuerySet[InviteCode]) -> None:
        n = services.invite_codes_disable(codes=queryset)
        self.message_user(request, f"{n} code(s) disabled.")

    def page_view(self, request: HttpRequest) -> HttpResponse:
        """Staff with `issue_invites` issue root codes (no inviter), capped per action and per day."""
        form = RootCodesForm(request.POST or None)
        results: list[str] = []
        preview: list[str] = []
        if request.method == "POST" and form.is_valid():
            if "apply" in request.POST:
                try:
                    codes = services.invite_root_codes_create(
                        count=form.cleaned_data["count"],
                        actor=member_of(request),
                        note=form.cleaned_data["note"],
                        reason=form.cleaned_data["reason"],
                    )
                except ApplicationError as exc:
                    self.message_user(request, f"No codes issued: {exc.message}", messages.ERROR)
                else:
                    results = [c.display for c in codes]
            else:
                preview = [f"{form.cleaned_data['count']} root code(s) would be issued."]
        return self.render_page(
            request,
            title="Issue root invite codes",
            form=form,
            preview=preview,
            results=results,
            results_title="New codes (copy them now)",
            apply_label="Issue codes",
        )


class AdmitForm(forms.Form):
    region = forms.CharField(min_length=2, max_length=2)
    count = forms.IntegerField(min_value=1, max_value=10_000, initial=100)
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why. Kept in the audit trail."
    )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(_StaffPageAdmin):
    list_display = ("email", "region", "created_at", "admitted_at", "code")
    list_filter = ("region", ("admitted_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    readonly_fields = ("created_at", "admitted_at", "code")
    actions = ["admit_selected_regions"]
    page_route = "admit/"
    page_name = "admit"
    page_flag = "can_admit"
    page_permission = "accounts.open_waitlist_wave"

    def page_view(self, request: HttpRequest) -> HttpResponse:
        """Staff with `open_waitlist_wave` admit the next N from a region: root codes issued and e-mailed."""
        form = AdmitForm(request.POST or None, initial={"region": request.GET.get("region", "")})
        preview: list[str] = []
        if request.method == "POST" and form.is_valid():
            region, count = form.cleaned_data["region"], form.cleaned_data["count"]
            reason = form.cleaned_data["reason"]
            try:
                if "apply" in request.POST:
                    action = services.waitlist_admit(
                        region=region, count=count, actor=member_of(request), reason=reason
                    )
                    self.message_user(
                        request, f"Admitted {action.affected} from {region.upper()}; e-mails sent."
                    )
                    return HttpResponseRedirect(reverse("admin:accounts_waitlistentry_changelist"))
                dry = services.waitlist_admit(
                    region=region, count=count, actor=member_of(request), dry_run=True, reason=reason
                )
            except ApplicationError as exc:
                self.message_user(request, f"Nobody admitted: {exc.message}", messages.ERROR)
            else:
                preview = [
                    f"{dry.affected} waiting in {region.upper()} would be admitted and e-mailed a code."
                ]
        return self.render_page(
            request,
            title="Admit the next wave from a region",
            form=form,
            preview=preview,
            apply_label="Admit and e-mail",
        )

    def has_open_waitlist_wave_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.open_waitlist_wave"))

    @admin.action(
        description="Admit the next wave from the selected entries' region(s) (opens the form)",
        permissions=["open_waitlist_wave"],
    )
    def admit_selected_regions(self, request: HttpRequest, queryset: QuerySet[WaitlistEntry]) -> HttpResponse:
        region = queryset.values_list("region", flat=True).first() or ""
        return HttpResponseRedirect(reverse("admin:accounts_waitlistentry_admit") + f"?region={region}")


@admin.register(InviteAttempt)
class InviteAttemptAdmin(admin.ModelAdmin):
    list_display = ("created_at", "code_tried", "outcome", "ip", "network", "device_id")
    list_filter = ("outcome",)
    search_fields = ("code_tried", "ip", "device_id")
    raw_id_fields = ("code",)
