"""Admin of the feed app: posts with their lineage and state, comments, and the review moves."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from feed import services
from feed.models import Comment, Post
from feed.states import PostState
from moderation import services as moderation_services
from sora_social.common.admin_actions import permission_check, reasoned_action


def _remove(modeladmin: Any, request: Any, queryset: Any, reason: str) -> str:
    post_ids = list(queryset.values_list("id", flat=True))
    moved = services.posts_remove(post_ids=post_ids, to=PostState.REMOVED_BY_MODERATION)
    moderation_services.audit_staff_action(
        event="staff.post_remove",
        actor=request.user,
        subject_kind="post",
        subject_ids=moved["removed"],
        reason=reason,
        hidden_remixes=[str(pk) for pk in moved["descendants"]],
    )
    return f"Removed {len(moved['removed'])}; hid {len(moved['descendants'])} remixes."


def _restore(modeladmin: Any, request: Any, queryset: Any, reason: str) -> str:
    restored: list[int] = []
    for pk in queryset.values_list("id", flat=True):
        restored.extend(services.post_restore(post_id=pk)["restored"])
    moderation_services.audit_staff_action(
        event="staff.post_restore",
        actor=request.user,
        subject_kind="post",
        subject_ids=restored,
        reason=reason,
    )
    return f"Restored {len(restored)} posts."


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

    has_remove_post_permission = permission_check("remove_post")
    has_restore_post_permission = permission_check("restore_post")

    remove_by_moderation = reasoned_action(
        name="remove_by_moderation",
        description="Remove for a policy violation (remixes hidden pending review)",
        permission="remove_post",
        run=_remove,
        apply_label="Remove",
    )
    restore = reasoned_action(
        name="restore",
        description="Restore (with the remixes the removal hid)",
        permission="restore_post",
        run=_restore,
        apply_label="Restore",
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post_id", "author", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("id", "text", "author__username")
    raw_id_fields = ("post", "author")
