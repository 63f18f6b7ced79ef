"""What every moderation admin page shares: the signed-in staff member, the reason field, read-only lists."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.http import HttpRequest

from sora_social.accounts.models import User


def staff(request: HttpRequest) -> User:
    """The signed-in staff member (the admin site lets no one else in)."""
    return cast(User, request.user)


class ReasonActionForm(ActionForm):
    """Bulk actions need a reason too."""

    reason = forms.CharField(required=False, max_length=500, widget=forms.TextInput(attrs={"size": 40}))


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
