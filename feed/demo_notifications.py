"""Demo notifications: the named demo members find likes, comments and follows waiting (`seed_demo`).

Runs after the posts seeder, through the real services (likes, comments,
follows), so the notifications are made the way members make them: grouped,
counted and stored. Idempotent: a member who already has demo likes is left
alone (follows are idempotent themselves; the named members already follow
each other from the accounts seeder).
"""

from __future__ import annotations

import argparse
from typing import Any

from feed.models import Post
from feed.services import comment_create, like_add
from feed.states import PostState, Visibility
from sora_social.accounts.models import User
from sora_social.accounts.seeding import NAMED
from sora_social.accounts.services import follow_create
from sora_social.common.errors import ApplicationError
from sora_social.notifications.selectors import notifications_of_kind

LIKERS = 12
COMMENTS = ["Love this!", "How did you make the light do that?"]
FOLLOWERS = 3


class NotificationsSeeder:
    name = "notifications"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--no-demo-notifications", action="store_true", help="Do not seed demo notifications."
        )

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        if options.get("no_demo_notifications"):
            return []
        seeded = [name for name, _ in NAMED if self._seed(name)]
        return (
            [f"  notifications: demo likes, comments and follows for {', '.join(seeded)}"] if seeded else []
        )

    def _seed(self, username: str) -> bool:
        member = User.objects.filter(username=username, is_active=True).first()
        if member is None or notifications_of_kind(user_id=member.pk, kind="like").exists():
            return False
        others = list(
            User.objects.filter(is_active=True, is_staff=False).exclude(pk=member.pk).order_by("id")[:LIKERS]
        )
        post = (
            Post.objects.filter(author=member, state=PostState.PUBLISHED, visibility=Visibility.PUBLIC)
            .order_by("-id")
            .first()
        )
        for i, other in enumerate(others):
            try:
                if post is not None:
                    like_add(user=other, post_id=post.id)
                    if i < len(COMMENTS):
                        comment_create(user=other, post_id=post.id, text=COMMENTS[i])
                if i < FOLLOWERS:
                    follow_create(actor=other, target=member)
            except ApplicationError:
                continue  # a teen or a block in the demo graph: skip that member
        return True
