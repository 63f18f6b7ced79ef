"""Admin of the feed app: posts with their lineage and state, comments, and the review moves."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from feed import services
from feed.models import Comment, Post
from feed.states import PostState


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "author",
        "state",
        "visibility",
        "rating",
        "depth",
        "descendant_count",
        "created_at",
    )
    list_filter = ("state", "visibility", "rating")
    search_fields = ("id", "author__username", "caption")
    raw_id_fields = ("author", "generation", "parent")
    readonly_fields = (
        "path", "root_id", "depth", "hidden_by_id", "like_count", "comment_count", "view_count",
        "remix_count", "descendant_count", "inspired_count", "state", "state_changed_at",
    )  # fmt: skip
    exclude = ("embedding",)
    actions = ("remove_by_moderation", "restore")
    show_full_result_count = False

    @admin.action(description="Remove for a policy violation (remixes hidden pending review)")
    def remove_by_moderation(self, request: Any, queryset: Any) -> None:
        moved = services.posts_remove(
            post_ids=list(queryset.values_list("id", flat=True)), to=PostState.REMOVED_BY_MODERATION
        )
        self.message_user(
            request,
            f"Removed {len(moved['removed'])}; hid {len(moved['descendants'])} remixes.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore (with the remixes the removal hid)")
    def restore(self, request: Any, queryset: Any) -> None:
        restored = sum(
            len(services.post_restore(post_id=pk)["restored"]) for pk in queryset.values_list("id", flat=True)
        )
        self.message_user(request, f"Restored {restored} posts.", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post_id", "author", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("id", "text", "author__username")
    raw_id_fields = ("post", "author")
