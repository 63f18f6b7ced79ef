"""Admin of the generation app: jobs (read-mostly, with their checks and errors) and uploads."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from generation import services, states
from generation.models import GenerationJob, ImageUpload
from sora_social.common.media import media_url


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

    @admin.action(description="Cancel the selected unfinished jobs")
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[GenerationJob]) -> None:
        done = 0
        for job in queryset.filter(state__in=states.ACTIVE):
            try:
                services.job_transition(job_id=job.id, to=states.JobState.CANCELLED, expect=states.ACTIVE)
                done += 1
            except services.StaleTransition:
                continue
        self.message_user(request, f"Cancelled {done} job(s).", messages.SUCCESS)


@admin.register(ImageUpload)
class ImageUploadAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "content_type", "width", "height", "size_bytes", "created_at")
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
