"""The public-figures and rights-holder registries: list, search by name or alias, filter, edit.

Aliases are edited as text, one per line (stored as a JSON list). Every save
or delete reaches the name matcher without a restart (`moderation.receivers`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from moderation import services
from moderation.models import PublicFigureEntry, RightsHolderEntry, RightsHolderImage


class AliasLinesField(forms.Field):
    """A list of strings shown and typed as lines: blank lines and repeats dropped, order kept."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 60})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One per line: short forms, nicknames, misspellings, other spellings.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            lines = [str(item) for item in value]
        else:
            lines = str(value or "").splitlines()
        seen: dict[str, None] = {}
        for line in lines:
            alias = " ".join(line.split())
            if alias and alias.casefold() not in {s.casefold() for s in seen}:
                seen[alias] = None
        return list(seen)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


class PublicFigureForm(forms.ModelForm):
    aliases = AliasLinesField()

    class Meta:
        model = PublicFigureEntry
        fields = ["slug", "name", "aliases", "kind", "country", "active"]

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


class RightsHolderForm(forms.ModelForm):
    aliases = AliasLinesField()

    class Meta:
        model = RightsHolderEntry
        fields = [
            "slug",
            "name",
            "kind",
            "rights_holder",
            "aliases",
            "description",
            "choice",
            "label_text",
            "active",
        ]


class RegistryAdmin(admin.ModelAdmin):
    """What both registries share: search by name, slug or alias; on/off actions that reach the matcher."""

    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ("name",)}
    list_per_page = 100
    actions = ["activate", "deactivate"]

    @admin.display(description="aliases")
    def alias_list(self, obj: Any) -> str:
        return ", ".join(obj.aliases)

    def _switch(self, request: HttpRequest, queryset: QuerySet[Any], active: bool) -> None:
        changed = services.registry_set_active(entries=queryset, active=active)
        self.message_user(request, f"{changed} turned {'on' if active else 'off'}.", messages.SUCCESS)

    @admin.action(description="Activate selected entries")
    def activate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._switch(request, queryset, True)

    @admin.action(description="Deactivate selected entries (no longer matched)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._switch(request, queryset, False)


@admin.register(PublicFigureEntry)
class PublicFigureEntryAdmin(RegistryAdmin):
    form = PublicFigureForm
    list_display = ["name", "alias_list", "kind", "country", "active", "updated_at"]
    list_filter = ["kind", "active", "country"]


class RightsHolderImageInline(admin.TabularInline):
    model = RightsHolderImage
    extra = 1


@admin.register(RightsHolderEntry)
class RightsHolderEntryAdmin(RegistryAdmin):
    form = RightsHolderForm
    list_display = ["name", "alias_list", "rights_holder", "kind", "choice", "active", "updated_at"]
    list_filter = ["kind", "choice", "active"]
    search_fields = [*RegistryAdmin.search_fields, "rights_holder", "description"]
    inlines = [RightsHolderImageInline]
