"""The member admin: the inviter chain, subtree, risk score and first invitees, and the account actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from sora_social.accounts import selectors, services
from sora_social.accounts.admin.actions import ReparentForm, account_action, as_user, without_dry_run
from sora_social.accounts.models import User
from sora_social.accounts.viewer import member_of


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


# Erases the member's content, files and face data and scrubs the row (accounts.services.deletion);
# listed only for staff who may delete members.
_delete_account_action = account_action(
    "Delete account (erase content and files)",
    without_dry_run(services.account_delete),
    dry_run_supported=False,
)
_delete_account_action.allowed_permissions = ("delete",)  # type: ignore[attr-defined]  # the admin reads it off the function


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
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # a tuple in Django; the stubs allow None
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
        account_action("Suspend", without_dry_run(services.user_suspend), dry_run_supported=False),
        account_action("Unsuspend", without_dry_run(services.user_unsuspend), dry_run_supported=False),
        account_action("Ban", without_dry_run(services.user_ban), dry_run_supported=False),
        account_action("Disable invites", services.invites_disable),
        account_action("Freeze subtree (no member can invite)", as_user(services.subtree_freeze, "root")),
        account_action("Suspend subtree (descendants)", as_user(services.subtree_suspend, "root")),
        account_action(
            "Suspend subtree and its root",
            as_user(lambda **kw: services.subtree_suspend(include_root=True, **kw), "root"),
        ),
        account_action(
            "Reparent (move under another inviter)",
            as_user(services.subtree_reparent, "node"),
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
        services.account_delete(user=obj, actor=member_of(request), reason="deleted from the admin page")

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
