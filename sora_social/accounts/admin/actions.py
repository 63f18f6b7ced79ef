"""The moderators' account actions: ask for a reason, show the dry-run count, then apply.

Each run, dry or not, is an `AccountAction` (written by the service the action calls).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from sora_social.accounts.models import AccountAction, User
from sora_social.accounts.viewer import member_of
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


def account_action(
    label: str,
    run: Callable[..., AccountAction],
    *,
    form_class: type[forms.Form] = ReasonForm,
    apply_label: str = "Apply",
    dry_run_supported: bool = True,
) -> Callable[..., HttpResponse | None]:
    """Build an admin action that asks for a reason, shows the dry-run count, then applies."""

    def action(
        modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        form = form_class(request.POST if "reason" in request.POST else None)
        preview: list[str] = []
        if form.is_bound and form.is_valid():
            extra = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            reason = form.cleaned_data["reason"]
            try:
                if "apply" in request.POST:
                    total = 0
                    for user in queryset:
                        total += run(user=user, actor=member_of(request), reason=reason, **extra).affected
                    modeladmin.message_user(
                        request, f"{label}: {total} account(s) affected.", messages.SUCCESS
                    )
                    return None
                for user in queryset:
                    if dry_run_supported:
                        dry = run(user=user, actor=member_of(request), reason=reason, dry_run=True, **extra)
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

    action.short_description = label  # type: ignore[attr-defined]  # the admin reads it off the function
    action.__name__ = label.lower().replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")
    return action


def as_user(fn: Callable[..., AccountAction], param: str) -> Callable[..., AccountAction]:
    def call(*, user: User, **kwargs: Any) -> AccountAction:
        return fn(**{param: user}, **kwargs)

    return call


def without_dry_run(fn: Callable[..., AccountAction]) -> Callable[..., AccountAction]:
    def call(*, dry_run: bool = False, **kwargs: Any) -> AccountAction:
        return fn(**kwargs)

    return call
