"""The moderators' admin for members, codes, the tree, the waitlist and the audit trail.

A member's page shows the inviter chain, subtree size, risk score with its
signals, and the first invitees. Every action on accounts asks for a reason
and runs as a dry run first (showing how many accounts it would touch);
only then can it be applied. Each run, dry or not, is an `AccountAction`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from sora_social.accounts import selectors, services
from sora_social.accounts.models import (
    AccountAction,
    Block,
    Follow,
    InviteAttempt,
    InviteCode,
    Notification,
    ParentalLink,
    TeenSettings,
    User,
    WaitlistEntry,
)
from sora_social.common.errors import ApplicationError

FORM_TEMPLATE = "admin/accounts/form.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the audit trail.")


class ReparentForm(ReasonForm):
    new_parent = forms.CharField(help_text="Username of the new inviter.")

    def clean_new_parent(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["new_parent"]).first()
        if user is None or not user.invite_path:
            raise forms.ValidationError("No member with that username in the invite tree.")
        return user


class SubtreeFilter(admin.SimpleListFilter):
    """`?subtree_of=<id>`: the members below one member (a path range scan)."""

    title = "subtree"
    parameter_name = "subtree_of"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, f"below #{value}")] if value else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        value = self.value()
        if not value:
            return queryset
        root = User.objects.filter(pk=value if value.isdigit() else 0).first()
        if root is None or not root.invite_path:
            return queryset.none()
        return queryset.filter(selectors.subtree_filter(root.invite_path))


def _account_action(
    label: str,
    run: Callable[..., AccountAction],
    *,
    form_class: type[forms.Form] = ReasonForm,
    apply_label: str = "Apply",
    dry_run_supported: bool = True,
) -> Callable[..., HttpResponse | None]:
    """Build an admin action that asks for a reason, shows the dry-run count, then applies."""

    def action(modeladmin: UserAdmin, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        form = form_class(request.POST if "reason" in request.POST else None)
        preview: list[str] = []
        if form.is_bound and form.is_valid():
            extra = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            reason = form.cleaned_data["reason"]
            try:
                if "apply" in request.POST:
                    total = 0
                    for user in queryset:
                        total += run(user=user, actor=request.user, reason=reason, **extra).affected
                    modeladmin.message_user(
                        request, f"{label}: {total} account(s) affected.", messages.SUCCESS
                    )
                    return None
                for user in queryset:
                    if dry_run_supported:
                        dry = run(user=user, actor=request.user, reason=reason, dry_run=True, **extra)
                        preview.append(
                            f"{user}: {dry.affected} account(s) would be affected {dry.details or ''}"
                        )
                    else:
                        preview.append(f"{user}: 1 account would be affected")
            except ApplicationError as exc:
                modeladmin.message_user(request, f"{label}: {exc.message}", messages.ERROR)
                return None
        return TemplateResponse(
            request,
            FORM_TEMPLATE,
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"{label}: {queryset.count()} selected",
                "form": form,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "preview": preview,
                "apply_label": apply_label,
                "opts": modeladmin.model._meta,
            },
        )

    action.short_description = label  # type: ignore[attr-defined]
    action.__name__ = label.lower().replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")
    return action


def _as_user(fn: Callable[..., AccountAction], param: str) -> Callable[..., AccountAction]:
    def call(*, user: User, **kwargs: Any) -> AccountAction:
        return fn(**{param: user}, **kwargs)

    return call


def _without_dry_run(fn: Callable[..., AccountAction]) -> Callable[..., AccountAction]:
    def call(*, dry_run: bool = False, **kwargs: Any) -> AccountAction:
        return fn(**kwargs)

    return call


# Erases the member's content, files and face data and scrubs the row (accounts.services.deletion);
# listed only for staff who may delete members.
_delete_account_action = _account_action(
    "Delete account (erase content and files)",
    _without_dry_run(services.account_delete),
    dry_run_supported=False,
)
_delete_account_action.allowed_permissions = ("delete",)  # type: ignore[attr-defined]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "display_name",
        "email",
        "region",
        "is_teen",
        "is_active",
        "can_invite",
        "invite_depth",
        "invitees_total",
        "date_joined",
    )
    list_filter = (SubtreeFilter, "is_active", "is_staff", "is_teen", "can_invite", "region")
    search_fields = ("username", "display_name", "email")
    raw_id_fields = ("inviter", "invite_root")
    readonly_fields = (
        "inviter_chain",
        "subtree",
        "risk",
        "first_invitees",
        "inviter",
        "invite_root",
        "invite_depth",
        "invite_path",
        "invitees_total",
        "invite_children_seq",
        "can_invite",
        "suspended_at",
        "banned_at",
        "reports_received",
        "is_teen",
        "birthdate",
    )
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Profile", {"fields": ("display_name", "bio", "region", "birthdate", "is_teen")}),
        (
            "Invite tree",
            {
                "fields": (
                    "inviter_chain",
                    "subtree",
                    "risk",
                    "first_invitees",
                    "can_invite",
                    "invite_depth",
                    "invite_path",
                    "invitees_total",
                    "reports_received",
                    "suspended_at",
                    "banned_at",
                )
            },
        ),
    )
    actions = [
        _account_action("Suspend", _without_dry_run(services.user_suspend), dry_run_supported=False),
        _account_action("Unsuspend", _without_dry_run(services.user_unsuspend), dry_run_supported=False),
        _account_action("Ban", _without_dry_run(services.user_ban), dry_run_supported=False),
        _account_action("Disable invites", services.invites_disable),
        _account_action("Freeze subtree (no member can invite)", _as_user(services.subtree_freeze, "root")),
        _account_action("Suspend subtree (descendants)", _as_user(services.subtree_suspend, "root")),
        _account_action(
            "Suspend subtree and its root",
            _as_user(lambda **kw: services.subtree_suspend(include_root=True, **kw), "root"),
        ),
        _account_action(
            "Reparent (move under another inviter)",
            _as_user(services.subtree_reparent, "node"),
            form_class=ReparentForm,
        ),
        _delete_account_action,
    ]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # A bulk hard delete would leave files, face data and a hole in the invite tree;
        # "Delete account" is the road (reason, audit, files).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        """The admin's delete page deletes the account the same way (tombstone, files, audit)."""
        services.account_delete(user=obj, actor=request.user, reason="deleted from the admin page")

    @admin.display(description="Inviter chain (root first)")
    def inviter_chain(self, obj: User) -> str:
        if not obj.pk or not obj.invite_path:
            return "-"
        chain = selectors.invite_ancestors(user_id=obj.pk)
        if not chain:
            return "Tree root (joined with a staff code)"
        return format_html_join(
            " → ",
            '<a href="{}">{}</a>',
            ((reverse("admin:accounts_user_change", args=[u.pk]), f"@{u.username}") for u in chain),
        )

    @admin.display(description="Subtree")
    def subtree(self, obj: User) -> str:
        if not obj.pk or not obj.invite_path:
            return "-"
        url = reverse("admin:accounts_user_changelist") + f"?subtree_of={obj.pk}"
        return format_html('{} member(s) below — <a href="{}">list them</a>', obj.invitees_total, url)

    @admin.display(description="Invite risk")
    def risk(self, obj: User) -> str:
        if not obj.pk or not obj.invite_path:
            return "-"
        report = selectors.invite_risk(user_id=obj.pk)
        signals = ", ".join(f"{k}: {v}" for k, v in report.signals.items())
        return format_html("<strong>{}</strong>/100 ({})", report.score, signals)

    @admin.display(description="First invitees")
    def first_invitees(self, obj: User) -> str:
        if not obj.pk or not obj.invite_path:
            return "-"
        rows, _ = selectors.invite_descendants(user_id=obj.pk, limit=20, max_depth=1)
        if not rows:
            return "none"
        return format_html_join(
            ", ",
            '<a href="{}">@{}</a> ({} below)',
            (
                (reverse("admin:accounts_user_change", args=[u.pk]), u.username, u.invitees_total)
                for u in rows
            ),
        )


class RootCodesForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=10_000, initial=10)
    note = forms.CharField(required=False, help_text="For whom (kept with the codes).")
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why. Kept in the audit trail."
    )


@admin.register(InviteCode)
class InviteCodeAdmin(admin.ModelAdmin):
    list_display = ("display", "owner", "state", "redeemed_by", "redeemed_at", "created_at", "note")
    list_filter = ("state", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("code", "owner__username", "redeemed_by__username")
    raw_id_fields = ("owner", "issued_by", "redeemed_by")
    readonly_fields = ("code", "owner", "issued_by", "redeemed_by", "redeemed_at", "created_at", "code_risk")
    actions = ["disable_codes"]

    @admin.display(description="Attempts on this code")
    def code_risk(self, obj: InviteCode) -> str:
        r = selectors.invite_code_risk(code_id=obj.pk)
        return (
            f"{r['attempts']} attempts from {r['ips']} IPs, {r['networks']} networks, {r['devices']} devices"
        )

    @admin.action(description="Disable selected available codes")
    def disable_codes(self, request: HttpRequest, queryset: QuerySet[InviteCode]) -> None:
        n = queryset.filter(state=InviteCode.State.AVAILABLE).update(state=InviteCode.State.DISABLED)
        self.message_user(request, f"{n} code(s) disabled.")

    def get_urls(self) -> list[Any]:
        return [
            path(
                "issue-root/",
                self.admin_site.admin_view(self.issue_root_view),
                name="accounts_invitecode_issue",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {"can_issue": request.user.has_perm("accounts.issue_invites"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def issue_root_view(self, request: HttpRequest) -> HttpResponse:
        """Staff with `issue_invites` issue root codes (no inviter), capped per action and per day."""
        if not request.user.has_perm("accounts.issue_invites"):
            raise PermissionDenied
        form = RootCodesForm(request.POST or None)
        results: list[str] = []
        preview: list[str] = []
        if request.method == "POST" and form.is_valid():
            if "apply" in request.POST:
                try:
                    codes = services.invite_root_codes_create(
                        count=form.cleaned_data["count"],
                        actor=request.user,
                        note=form.cleaned_data["note"],
                        reason=form.cleaned_data["reason"],
                    )
                except ApplicationError as exc:
                    self.message_user(request, f"No codes issued: {exc.message}", messages.ERROR)
                else:
                    results = [c.display for c in codes]
            else:
                preview = [f"{form.cleaned_data['count']} root code(s) would be issued."]
        return TemplateResponse(
            request,
            FORM_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "title": "Issue root invite codes",
                "form": form,
                "preview": preview,
                "results": results,
                "results_title": "New codes (copy them now)",
                "apply_label": "Issue codes",
                "opts": self.model._meta,
            },
        )


class AdmitForm(forms.Form):
    region = forms.CharField(min_length=2, max_length=2)
    count = forms.IntegerField(min_value=1, max_value=10_000, initial=100)
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why. Kept in the audit trail."
    )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("email", "region", "created_at", "admitted_at", "code")
    list_filter = ("region", ("admitted_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    readonly_fields = ("created_at", "admitted_at", "code")
    actions = ["admit_selected_regions"]

    def get_urls(self) -> list[Any]:
        return [
            path("admit/", self.admin_site.admin_view(self.admit_view), name="accounts_waitlistentry_admit"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {"can_admit": request.user.has_perm("accounts.open_waitlist_wave"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def admit_view(self, request: HttpRequest) -> HttpResponse:
        """Staff with `open_waitlist_wave` admit the next N from a region: root codes issued and e-mailed."""
        if not request.user.has_perm("accounts.open_waitlist_wave"):
            raise PermissionDenied
        form = AdmitForm(request.POST or None, initial={"region": request.GET.get("region", "")})
        preview: list[str] = []
        if request.method == "POST" and form.is_valid():
            region, count = form.cleaned_data["region"], form.cleaned_data["count"]
            reason = form.cleaned_data["reason"]
            try:
                if "apply" in request.POST:
                    action = services.waitlist_admit(
                        region=region, count=count, actor=request.user, reason=reason
                    )
                    self.message_user(
                        request, f"Admitted {action.affected} from {region.upper()}; e-mails sent."
                    )
                    return HttpResponseRedirect(reverse("admin:accounts_waitlistentry_changelist"))
                dry = services.waitlist_admit(
                    region=region, count=count, actor=request.user, dry_run=True, reason=reason
                )
            except ApplicationError as exc:
                self.message_user(request, f"Nobody admitted: {exc.message}", messages.ERROR)
            else:
                preview = [
                    f"{dry.affected} waiting in {region.upper()} would be admitted and e-mailed a code."
                ]
        return TemplateResponse(
            request,
            FORM_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "title": "Admit the next wave from a region",
                "form": form,
                "preview": preview,
                "apply_label": "Admit and e-mail",
                "opts": self.model._meta,
            },
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


@admin.register(InviteAttempt)
class InviteAttemptAdmin(admin.ModelAdmin):
    list_display = ("created_at", "code_tried", "outcome", "ip", "network", "device_id")
    list_filter = ("outcome",)
    search_fields = ("code_tried", "ip", "device_id")
    raw_id_fields = ("code",)


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
                link_id=link.pk, actor=request.user, reason="ended by a moderator in the admin"
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
    list_display = ("follower", "followee", "created_at")
    raw_id_fields = ("follower", "followee")


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "created_at", "read_at")
    raw_id_fields = ("user",)
