"""Demo threads: alice and bob talking (with a shared post), a group of the three named members,
and a request from a member alice does not follow. Idempotent: skipped once alice has threads."""

from __future__ import annotations

import argparse
from typing import Any

from django.db import transaction

from feed.selectors import visible_posts
from messaging import services
from messaging.models import ThreadMember
from sora_social.accounts.models import User
from sora_social.accounts.selectors import following_ids, follows
from sora_social.accounts.services import follow_create
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import ApplicationError

CHAT = [
    ("alice", "bob", "Did you see the paper boat remix? The lighting is unreal."),
    ("bob", "alice", "Yes! I want to try it with my cameo next."),
    ("alice", "bob", "Go for it, I'll remix yours after."),
]


class ThreadsSeeder:
    name = "messaging"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--no-threads", action="store_true", help="Skip demo message threads.")

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        if options.get("no_threads"):
            return []
        named = {u.username: u for u in User.objects.filter(username__in=["alice", "bob", "carol"])}
        if len(named) < 3:
            return ["messaging: skipped (alice, bob and carol are missing)"]
        if ThreadMember.objects.filter(user=named["alice"]).exists():
            return []
        try:
            return _seed(named)
        except ApplicationError as exc:
            return [f"messaging: skipped ({exc.code}: {exc.message})"]


@transaction.atomic
def _seed(named: dict[str, User]) -> list[str]:
    alice, bob, carol = named["alice"], named["bob"], named["carol"]
    for a, b in ((alice, bob), (bob, alice), (alice, carol), (carol, alice), (bob, carol), (carol, bob)):
        if not follows(follower_id=a.pk, followee_id=b.pk):
            follow_create(actor=a, target=b)
    views = {u.username: Viewer.of(u) for u in (alice, bob, carol)}
    direct, _ = services.thread_open(viewer=views["alice"], member_ids=[bob.pk])
    for who, _to, text in CHAT:
        services.message_send(viewer=views[who], thread_id=direct.pk, text=text)
    post = visible_posts(views["alice"]).order_by("-id").values_list("id", flat=True).first()
    if post:
        services.message_send(viewer=views["alice"], thread_id=direct.pk, text="This one", post_id=post)
    group, _ = services.thread_open(
        viewer=views["carol"], member_ids=[alice.pk, bob.pk], title="Weekend remix club"
    )
    services.message_send(
        viewer=views["carol"], thread_id=group.pk, text="Theme this week: underwater cities"
    )
    lines = ["thread: @alice and @bob", "group: Weekend remix club"]
    stranger = User.objects.exclude(pk__in=[alice.pk, bob.pk, carol.pk]).filter(
        is_active=True, is_teen=False, is_staff=False
    )
    other = stranger.exclude(pk__in=following_ids(user_id=alice.pk)).order_by("id").first()
    if other is not None:
        request, _ = services.thread_open(viewer=Viewer.of(other), member_ids=[alice.pk])
        services.message_send(viewer=Viewer.of(other), thread_id=request.pk, text="Hi! Loved your last post.")
        lines.append(f"request: @{other.username} to @alice")
    return lines
