"""Reads of threads: one member's row in a thread (404 for everyone else), and the inbox and
requests lists (two queries a page, whatever its size)."""

from __future__ import annotations

from typing import Any

from messaging.models import ThreadMember
from messaging.states import SEEING, MemberState
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import parse_id
from sora_social.common.pagination import decode_int_cursor, encode_cursor

BOXES = {"inbox": MemberState.ACTIVE, "requests": MemberState.REQUESTED}


def member_get(*, user_id: int, thread_id: object) -> ThreadMember:
    """My row in a thread I see (inbox or requests), with the thread; anything else is 404."""
    pk = parse_id(thread_id)
    member = (
        ThreadMember.objects.select_related("thread")
        .filter(thread_id=pk, user_id=user_id, state__in=SEEING)
        .first()
        if pk
        else None
    )
    if member is None:
        raise NotFound("No such thread.", code="thread_not_found")
    return member


def threads_page(
    *, viewer: Viewer, box: str, cursor: str | None, limit: int
) -> tuple[list[ThreadMember], dict[int, list[dict[str, Any]]], str | None]:
    """My threads in `box` (inbox or requests), most recent activity first: (my rows, members of
    each thread, next cursor). Two queries."""
    if box not in BOXES:
        raise ValidationFailed("box is inbox or requests.", code="invalid_box", details={"box": ["Unknown."]})
    scope = f"messaging.threads.{box}"
    before = decode_int_cursor(cursor, scope=scope)
    rows = ThreadMember.objects.select_related(
        "thread", "thread__last_message", "thread__last_message__sender"
    ).filter(user_id=viewer.id, state=BOXES[box])
    if before is not None:
        rows = rows.filter(thread__activity_id__lt=before)
    page = list(rows.order_by("-thread__activity_id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    members: dict[int, list[dict[str, Any]]] = {row.thread_id: [] for row in page}
    for found in (
        ThreadMember.objects.filter(thread_id__in=list(members), state__in=SEEING)
        .order_by("id")
        .values("thread_id", "user_id", "user__username", "user__display_name", "state")
    ):
        members[found["thread_id"]].append(dict(found))
    next_cursor = encode_cursor(page[-1].thread.activity_id, scope=scope) if more else None
    return page, members, next_cursor


def thread_detail(*, viewer: Viewer, thread_id: object) -> tuple[ThreadMember, list[dict[str, Any]]]:
    """One thread as I see it: (my row with the thread and its last message, its members)."""
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    row = ThreadMember.objects.select_related(
        "thread", "thread__last_message", "thread__last_message__sender"
    ).get(pk=member.pk)
    members = [
        dict(found)
        for found in ThreadMember.objects.filter(thread_id=row.thread_id, state__in=SEEING)
        .order_by("id")
        .values("thread_id", "user_id", "user__username", "user__display_name", "state")
    ]
    return row, members
