"""Moderators' admin for hash banks: entries, import and export in ThreatExchange formats, matches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from provenance import services
from provenance.formats import FormatError
from provenance.models import BankEntry, BankMatch, HashBank


class ImportForm(forms.Form):
    file = forms.FileField(help_text="One signal a line: `pdq <hex>`, `vpdq <json>` or `md5 <hex>`.")


@admin.register(HashBank)
class HashBankAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "action",
        "threshold",
        "active",
        "is_negative",
        "negative",
        "auto_add_removed",
    )
    list_filter = ("active", "is_negative", "action", "category")
    actions = ["export_banks"]

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="provenance_hashbank_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        bank = HashBank.objects.get(pk=pk)
        if not self.has_change_permission(request, bank):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8", errors="replace")
            try:
                counts = services.bank_import(bank=bank, text=text)
            except FormatError as exc:
                messages.error(request, f"Nothing imported: {exc}")
            else:
                messages.success(
                    request, f"Imported {counts['added']} entries ({counts['skipped']} already there)."
                )
                return redirect("admin:provenance_hashbank_change", bank.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "bank": bank,
            "title": f"Import into {bank}",
        }
        return render(request, "provenance/import.html", context)

    @admin.action(description="Export the selected banks (ThreatExchange format)")
    def export_banks(self, request: HttpRequest, queryset: QuerySet[HashBank]) -> HttpResponse:
        text = "".join(f"# bank: {bank.name}\n" + services.bank_export(bank=bank) for bank in queryset)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="hash-banks.txt"'
        return response


@admin.register(BankEntry)
class BankEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "bank", "signal_type", "note", "source", "created_at")
    list_filter = ("bank", "signal_type")
    search_fields = ("value", "note")
    readonly_fields = ("pdq", "frames")


@admin.register(BankMatch)
class BankMatchAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "bank",
        "kind",
        "object_id",
        "signal_type",
        "distance",
        "action",
        "case_id",
        "created_at",
    )
    list_filter = ("bank", "kind", "action")
    readonly_fields = [f.name for f in BankMatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
