"""The member, with its place in the invite tree.

The tree is stored as a materialised path (`invite_path`) written at signup:
the root's segment is its id in base 36, each level below adds the member's
ordinal among its inviter's invitees, also base 36, each segment ended by a
dot: `"2b9x0k1f3ma8q." → "2b9x0k1f3ma8q.1." → "2b9x0k1f3ma8q.1.3."`.

Why ordinals rather than ids: a member has at most a handful of invitees, so a
level costs two bytes instead of twenty. A million-member tree's path index
stays small enough to live in memory and a B-tree key never reaches
PostgreSQL's size limit, however deep abuse chains grow. The column has the
"C" collation, so a plain B-tree index answers `LIKE 'prefix%'` (descendants)
and `IN (prefixes)` (ancestors) as index range scans, and ordering by path is
a depth-first walk of the tree.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models

from sora_social.accounts.usernames import username_skeleton as skeleton_of
from sora_social.common.ids import SnowflakeField

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(value: int) -> str:
    if value < 0:
        raise ValueError("negative")
    out = ""
    while True:
        value, rem = divmod(value, 36)
        out = _B36[rem] + out
        if value == 0:
            return out


def root_path(user_id: int) -> str:
    return f"{base36(user_id)}."


def child_path(parent_path: str, ordinal: int) -> str:
    return f"{parent_path}{base36(ordinal)}."


def path_prefixes(path: str) -> list[str]:
    """Paths of every node from the root down to (and including) `path`."""
    parts = path.split(".")[:-1]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


# The member's full-text document; the search query uses this same expression, so the index serves it.
SEARCH_VECTOR = SearchVector("display_name", "bio", config="simple")


class User(AbstractUser):
    id = SnowflakeField()
    display_name = models.CharField(max_length=64, blank=True)
    bio = models.CharField(max_length=300, blank=True)
    # Storage name of the resized avatar (`private/<random>/avatar.jpg`): served only by signed URL.
    avatar = models.CharField(max_length=255, blank=True)

    # Stored counters (accounts.services.counters): the profile reads them, never counts live.
    follower_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(
        default=0, help_text="Published posts other than private drafts (kept by the feed app)."
    )

    # Onboarding. Staff and seeded administrators have no birthdate.
    birthdate = models.DateField(null=True, blank=True)
    # Stored at signup so hot paths need no date arithmetic; a daily task
    # clears it on the 18th birthday.
    is_teen = models.BooleanField(default=False)
    region = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, upper case.")

    # The invite tree.
    inviter = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitees"
    )
    invite_root = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The tree's root; empty when this member is a root.",
    )
    invite_depth = models.PositiveIntegerField(default=0)
    # Null for staff accounts outside the tree.
    invite_path = models.TextField(db_collation="C", null=True, blank=True)
    invite_children_seq = models.PositiveIntegerField(
        default=0, help_text="Ordinal handed to this member's latest invitee (path segment)."
    )
    invitees_total = models.PositiveIntegerField(default=0, help_text="Members in the subtree below.")
    can_invite = models.BooleanField(default=True)
    reports_received = models.PositiveIntegerField(default=0)

    # Moderation state. Suspended and banned members are also is_active=False,
    # so they cannot sign in and their tokens stop working.
    suspended_at = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    # Set when the member deleted their account (or staff did): the row stays as
    # a scrubbed tombstone (is_active false) because the invite tree and the
    # audit trail point at it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Every token carries the version it was minted under; raising it (password
    # change, suspension, ban) refuses every earlier access and refresh token.
    # Checked against the member row each request already loads: no extra query.
    token_version = models.PositiveIntegerField(default=0)
    # What the username looks like (accounts.usernames): unique, so no two
    # members can hold lookalike names. Null only for the younger of two
    # lookalikes that existed before the column did.
    username_skeleton = models.TextField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "accounts_user"
        constraints = [
            # A constraint rather than unique=True: Django would add a second,
            # text_pattern_ops index, which the "C" collation makes redundant.
            models.UniqueConstraint(fields=["invite_path"], name="accounts_user_invite_path_unique"),
            models.UniqueConstraint(
                fields=["username_skeleton"], name="accounts_user_username_skeleton_unique"
            ),
        ]
        indexes = [
            # Member search (accounts.selectors.search): trigram similarity for names with
            # typos, and full-text over the display name and bio.
            GinIndex(fields=["username"], name="accounts_user_username_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["display_name"], name="accounts_user_display_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(SEARCH_VECTOR, name="accounts_user_search"),
        ]

    def __str__(self) -> str:
        return f"@{self.username}"

    def clean(self) -> None:
        """NFKC (Django's) and refuse a lookalike of another member's name: what the admin forms run."""
        super().clean()
        skeleton = skeleton_of(self.username)
        if User.objects.filter(username_skeleton=skeleton).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"username": "This username looks like another member's; choose another."},
                code="username_confusable",
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived from the username on every road a row is written by (signup,
        # the admin, createsuperuser), so the unique index always sees it.
        self.username_skeleton = skeleton_of(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)

    @property
    def tree_root_id(self) -> int:
        return self.invite_root_id or self.id

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None
