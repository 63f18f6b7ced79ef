"""Profile edits (display name, bio, avatar); `notification_create` is the notifications app's,
re-exported here for every caller.

The avatar is rendered (checked, resized, re-encoded: `accounts.avatars`)
before anything is written, so a bad image changes nothing. The new file is
stored under a fresh unguessable `private/` name (served only by signed URL,
rule 10); the old file is deleted once the change commits, and a failed
transaction deletes the new one instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from sora_social.accounts.avatars import AvatarError, avatar_render
from sora_social.accounts.models import User
from sora_social.common.errors import ApplicationError, ValidationFailed
from sora_social.common.storage import PRIVATE, new_name
from sora_social.notifications.services import notification_create

__all__ = ["avatar_file_delete_on_commit", "notification_create", "user_update_profile"]


def _avatar_bytes(file: Any) -> bytes:
    limit = settings.AVATAR_MAX_BYTES
    if getattr(file, "size", 0) > limit:
        raise ApplicationError("The image is too large.", code="upload_too_large", status=413)
    data: bytes = file.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError("The image is too large.", code="upload_too_large", status=413)
    if not data:
        raise ValidationFailed(
            "The file is empty.", code="corrupt_image", details={"avatar": ["Empty file."]}
        )
    try:
        return avatar_render(data).data
    except AvatarError as exc:
        raise ApplicationError(
            exc.message, code=exc.code, status=exc.status, details={"avatar": [exc.message]}
        ) from None


def avatar_file_delete_on_commit(name: str) -> None:
    """Delete a stored avatar once the transaction commits (every URL minted for it dies with it)."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def user_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    avatar: Any = None,
    remove_avatar: bool = False,
) -> User:
    """Change display name, bio and avatar (`avatar`: an uploaded file; `remove_avatar`: drop it)."""
    rendered = _avatar_bytes(avatar) if avatar is not None else None
    stored = (
        default_storage.save(new_name(PRIVATE, "avatar.jpg"), ContentFile(rendered)) if rendered else None
    )
    try:
        with transaction.atomic():
            return _profile_write(
                user=user, display_name=display_name, bio=bio, avatar=stored, remove_avatar=remove_avatar
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


def _profile_write(
    *, user: User, display_name: str | None, bio: str | None, avatar: str | None, remove_avatar: bool
) -> User:
    fields: list[str] = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if bio is not None:
        user.bio = bio.strip()
        fields.append("bio")
    if avatar is not None or remove_avatar:
        old = User.objects.select_for_update().filter(pk=user.pk).values_list("avatar", flat=True).first()
        avatar_file_delete_on_commit(old or "")
        user.avatar = avatar or ""
        fields.append("avatar")
    if fields:
        user.save(update_fields=fields)
    return user
