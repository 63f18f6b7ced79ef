"""Admin actions that need their own permission and a written reason, run atomically.

Selecting rows and choosing such an action opens an intermediate page asking
for the reason; only a second POST with a non-blank reason and `apply` runs
it. `run` does the work and writes the audit rows in the same transaction, so
an action either happened and is audited, or neither. The action is listed
(and accepted) only for staff holding its permission: Django's admin drops
actions whose `has_<permission>_permission` check fails, and a POST naming
a hidden action changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from sora_social.common.errors import ApplicationError

REASON_TEMPLATE = "admin/reason_form.html"
REASON_MAX_LENGTH = 500


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept in the audit log with your name.",
    )


def has_model_perm(request: HttpRequest, opts: Any, codename: str) -> bool:
    """`request.user` holds `<app_label>.<codename>` (superusers hold every permission)."""
    return bool(request.user.has_perm(f"{opts.app_label}.{codename}"))


def reasoned_action(
    *,
    name: str,
    description: str,
    permission: str,
    run: Callable[[Any, HttpRequest, QuerySet[Any], str], str],
    apply_label: str = "Apply",
) -> Callable[..., HttpResponse | None]:
    """An admin action gated by the model permission `permission` that asks for a reason first.

    `run(modeladmin, request, queryset, reason)` performs it (inside one
    transaction) and returns the message shown to the moderator. The model
    admin must define `has_<permission>_permission(request)`; use
    `permission_check(permission)` for it.
    """

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound:
            if form.is_valid():
                try:
                    with transaction.atomic():
                        message = run(modeladmin, request, queryset, form.cleaned_data["reason"])
                except ApplicationError as exc:
                    # Rolled back: neither the change nor its audit row happened.
                    modeladmin.message_user(
                        request, f"{description}: not done. {exc.message}", messages.ERROR
                    )
                    return None
                modeladmin.message_user(request, message, messages.SUCCESS)
                return None
            modeladmin.message_user(
                request,
                f"{description}: not done. Give a reason; it is kept in the audit log.",
                messages.ERROR,
            )
        return TemplateResponse(
            request,
            REASON_TEMPLATE,
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"{description}: {queryset.count()} selected",
                "form": form,
                "queryset": queryset,
                "action": name,
                "apply_label": apply_label,
                "opts": modeladmin.model._meta,
            },
        )

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)


def permission_check(codename: str) -> Callable[[Any, HttpRequest], bool]:
    """A `has_<codename>_permission` method for a ModelAdmin."""

    def check(modeladmin: admin.ModelAdmin, request: HttpRequest) -> bool:
        return has_model_perm(request, modeladmin.opts, codename)

    check.__name__ = f"has_{codename}_permission"
    return check
