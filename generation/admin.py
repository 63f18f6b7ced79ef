"""Admin of the generation app: jobs (read-mostly, with their checks and errors) and uploads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from generation import services, states
from generation.models import GenerationJob, ImageUpload
from moderation import services as moderation_services
from sora_social.common.admin_actions import permission_check, reasoned_action
from sora_social.common.media import media_url
from sora_social.common.states import StaleTransition


def _cancel_jobs(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[GenerationJob], reason: str
) -> str:
    cancelled: list[int] = []
    for job_id in queryset.filter(state__in=states.ACTIVE).values_list("id", flat=True):
        try:
            services.job_transition(job_id=job_id, to=states.JobState.CANCELLED, expect=states.ACTIVE)
        except StaleTransition:
            continue
        cancelled.append(job_id)
    moderation_services.audit_staff_action(
        event="staff.generation_cancel",
        actor=request.user,
        subject_kind="generation",
        subject_ids=cancelled,
        reason=reason,
    )
    return f"Cancelled {len(cancelled)} job(s)."


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "mode", "state", "progress", "attempts", "blocked_reason", "created_at")
    list_filter = ("state", "mode", "blocked_reason")
    search_fields = ("id", "prompt", "user__username")
    raw_id_fields = ("user", "image_upload")
    date_hierarchy = "created_at"
    readonly_fields = [*(f.name for f in GenerationJob._meta.fields), "output"]
    actions = ["cancel_jobs"]

    @admin.display(description="output (signed link, short-lived)")
    def output(self, obj: GenerationJob) -> str:
        if obj.output_removed_at is not None:
            return "removed"
        return _links(("video", obj.video), ("poster", obj.poster))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    has_cancel_generation_permission = permission_check("cancel_generation")

    cancel_jobs = reasoned_action(
        name="cancel_jobs",
        description="Cancel the selected unfinished jobs",
        permission="cancel_generation",
        run=_cancel_jobs,
        apply_label="Cancel jobs",
    )


@admin.register(ImageUpload)
class ImageUploadAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "content_type",
        "width",
        "height",
        "size_bytes",
        "state",
        "reason",
        "created_at",
    )
    raw_id_fields = ("user",)
    readonly_fields = [*(f.name for f in ImageUpload._meta.fields), "image"]

    @admin.display(description="image (signed link, short-lived)")
    def image(self, obj: ImageUpload) -> str:
        return _links(("image", obj.file))


def _links(*named: tuple[str, str]) -> str:
    """Signed links to private media for staff in the admin (none for removed files)."""
    links = [(label, media_url(name, staff=True)) for label, name in named]
    return (
        format_html_join(" · ", '<a href="{}" target="_blank">{}</a>', ((u, k) for k, u in links if u)) or "-"
    )
