"""Admin of the cameos app: cameos (state, audience, grants, appearances) and the public-figure gallery.

Deleting here goes through the same services as the API, so face data and
recordings are erased and the removal signals reach generation and feed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from cameos import services
from cameos.models import Appearance, Cameo, CameoAccess, CameoRequest, PublicFigure
from sora_social.common.errors import ApplicationError


class CameoAccessInline(admin.TabularInline):
    model = CameoAccess
    extra = 0
    fields = ("user", "state", "changed_at")
    readonly_fields = ("user", "state", "changed_at")
    can_delete = False


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    fields = ("kind", "object_id", "creator_id", "source", "score", "state", "created_at")
    readonly_fields = fields
    can_delete = False
    ordering = ("-id",)
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appearance]:
        # A popular cameo can carry thousands of appearances; the inline shows the newest.
        return super().get_queryset(request).order_by("-id")


@admin.register(Cameo)
class CameoAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "state", "audience", "created_at", "verified_at")
    list_filter = ("state", "audience")
    search_fields = ("=id", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = (
        "owner",
        "state",
        "state_changed_at",
        "challenge",
        "reasons",
        "restrictions",
        "recording",
        "reference_image",
        "embedding_model",
        "created_at",
        "verified_at",
    )
    fields = ("audience", "rules", *readonly_fields)
    inlines = [CameoAccessInline, AppearanceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cameos exist only through enrolment

    def save_model(self, request: HttpRequest, obj: Cameo, form: Any, change: bool) -> None:
        try:
            services.cameo_update(cameo=obj, audience=obj.audience, rules=obj.rules)
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple:
        # Appearances and grants are not deletable one by one in the admin, but
        # deleting the cameo removes them through the service, so they need no permission here.
        to_delete, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return to_delete, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Cameo) -> None:
        services.cameo_delete(cameo=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Cameo]) -> None:
        for cameo in queryset:
            services.cameo_delete(cameo=cameo)


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "cameo_id",
        "kind",
        "object_id",
        "creator_id",
        "source",
        "score",
        "state",
        "created_at",
    )
    list_filter = ("kind", "source", "state")
    search_fields = ("=cameo__id", "=object_id")
    readonly_fields = [f.name for f in Appearance._meta.fields]
    actions = ["remove_for_everyone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Remove these videos for everyone (with remixes carrying the likeness)")
    def remove_for_everyone(self, request: HttpRequest, queryset: QuerySet[Appearance]) -> None:
        removed = 0
        for appearance in queryset.select_related("cameo").filter(state=Appearance.State.ACTIVE):
            removed += services.appearance_remove(cameo=appearance.cameo, appearance_id=appearance.pk)
        self.message_user(request, f"Removed {removed} appearance(s).")


@admin.register(CameoRequest)
class CameoRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "cameo_id", "requester", "state", "created_at", "decided_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in CameoRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PublicFigureForm(forms.ModelForm):
    photo = forms.ImageField(help_text="A photo with exactly one clear, frontal face.")

    class Meta:
        model = PublicFigure
        fields = ("name", "photo", "active")


@admin.register(PublicFigure)
class PublicFigureAdmin(admin.ModelAdmin):
    """The protected gallery: uploading a photo computes and stores the face embedding."""

    form = PublicFigureForm
    list_display = ("name", "active", "embedding_model", "created_at")
    list_filter = ("active",)
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: PublicFigure, form: Any, change: bool) -> None:
        photo = form.cleaned_data["photo"]
        if change and "photo" not in form.changed_data:
            # Name or active flag changed: keep the photo, re-embed it so `active` is honoured.
            obj.photo.open("rb")
            photo = obj.photo
        try:
            services.public_figure_add(name=obj.name, photo=photo, figure=obj)
        except ApplicationError as exc:
            messages.error(request, f"Not saved: {exc.message}")

    def delete_model(self, request: HttpRequest, obj: PublicFigure) -> None:
        services.public_figure_delete(figure=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PublicFigure]) -> None:
        for figure in queryset:
            services.public_figure_delete(figure=figure)
