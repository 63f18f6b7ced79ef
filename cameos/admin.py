"""Admin of the cameos app: cameos (state, audience, grants, appearances) and the public-figure gallery.

Deleting here goes through the same services as the API, so face data and
recordings are erased and the removal signals reach generation and feed.
"""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html

from cameos import services
from cameos.models import Appearance, Cameo, CameoAccess, CameoRequest, PublicFigure
from moderation import services as moderation_services
from sora_social.accounts.models import User
from sora_social.common.admin_actions import permission_check, reasoned_action
from sora_social.common.errors import ApplicationError
from sora_social.common.ids import parse_id


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


class BiometricFilesAdmin(admin.ModelAdmin):
    """An admin whose rows hold biometric files (`biometric_fields`). They have no URLs of their
    own: `<id>/biometric/<field>/` (`<app>_<model>_biometric`) serves them through `biometric_view`."""

    biometric_kind = ""
    biometric_fields: tuple[str, ...] = ()

    def get_urls(self) -> list:
        return [
            path(
                "<str:object_id>/biometric/<str:field>/",
                self.admin_site.admin_view(self.biometric_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_biometric",
            ),
            *super().get_urls(),
        ]

    def biometric_view(self, request: HttpRequest, object_id: str, field: str) -> FileResponse:
        if field not in self.biometric_fields:
            raise Http404
        obj = self.model._default_manager.filter(pk=parse_id(object_id) or 0).first()
        return biometric_response(request, obj, self.biometric_kind, field)


@admin.register(Cameo)
class CameoAdmin(BiometricFilesAdmin):
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
        "recording_link",
        "reference_image_link",
        "embedding_model",
        "created_at",
        "verified_at",
    )
    fields = ("audience", "rules", *readonly_fields)
    inlines = [CameoAccessInline, AppearanceInline]
    biometric_kind = "cameo"
    biometric_fields = ("recording", "reference_image")

    # Biometric files have no URLs of their own: staff with `view_biometrics` open
    # them through `biometric_view`, which writes an audit row per view.
    @admin.display(description="recording")
    def recording_link(self, obj: Cameo) -> str:
        return biometric_link(obj.recording, "cameo", obj.pk, "recording")

    @admin.display(description="reference image")
    def reference_image_link(self, obj: Cameo) -> str:
        return biometric_link(obj.reference_image, "cameo", obj.pk, "reference_image")

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


def _remove_appearances(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Appearance], reason: str
) -> str:
    removed = 0
    audited: list[int] = []
    for appearance in queryset.select_related("cameo").filter(state=Appearance.State.ACTIVE):
        removed += services.appearance_remove(cameo=appearance.cameo, appearance_id=appearance.pk)
        audited.append(appearance.pk)
    moderation_services.audit_staff_action(
        event="staff.appearance_remove",
        actor=request.user,
        subject_kind="appearance",
        subject_ids=audited,
        reason=reason,
    )
    return f"Removed {removed} appearance(s)."


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

    has_remove_appearance_permission = permission_check("remove_appearance")

    remove_for_everyone = reasoned_action(
        name="remove_for_everyone",
        description="Remove these videos for everyone (with remixes carrying the likeness)",
        permission="remove_appearance",
        run=_remove_appearances,
        apply_label="Remove for everyone",
    )


@admin.register(CameoRequest)
class CameoRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "cameo_id", "requester", "state", "created_at", "decided_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in CameoRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def biometric_link(file: Any, kind: str, object_id: int, field: str) -> str:
    """A link to a biometric file; opening it needs `view_biometrics` and writes an audit row."""
    if not file:
        return "-"
    name = "cameos_cameo_biometric" if kind == "cameo" else "cameos_publicfigure_biometric"
    url = reverse(f"admin:{name}", args=[object_id, field])
    return format_html('<a href="{}" target="_blank">open (audited)</a>', url)


def biometric_response(request: HttpRequest, obj: Any, kind: str, field: str) -> FileResponse:
    """Stream one biometric file to staff holding `view_biometrics`, after writing the audit row."""
    if not request.user.has_perm("cameos.view_biometrics"):
        raise PermissionDenied
    file = getattr(obj, field, None) if obj is not None else None
    if not file:
        raise Http404
    # Only staff reach the admin: the user is a member, never anonymous.
    services.biometric_access_record(
        actor=cast(User, request.user), obj=obj, field=field, ip=request.META.get("REMOTE_ADDR")
    )
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    return response


class PublicFigureForm(forms.ModelForm):
    # A plain file input: the stored photo has no URL to show (biometric storage).
    photo = forms.ImageField(
        help_text="A photo with exactly one clear, frontal face.", widget=forms.FileInput
    )

    class Meta:
        model = PublicFigure
        fields = ("name", "photo", "active")


@admin.register(PublicFigure)
class PublicFigureAdmin(BiometricFilesAdmin):
    """The protected gallery: uploading a photo computes and stores the face embedding."""

    biometric_kind = "public_figure"
    biometric_fields = ("photo",)

    form = PublicFigureForm
    list_display = ("name", "active", "embedding_model", "created_at")
    list_filter = ("active",)
    search_fields = ("name",)
    readonly_fields = ("photo_link",)

    @admin.display(description="current photo")
    def photo_link(self, obj: PublicFigure) -> str:
        if obj.pk is None:
            return "-"
        return biometric_link(obj.photo, "public_figure", obj.pk, "photo")

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
