"""Reads of messages: a thread's page for a member (constant queries, shared posts checked for
the reader), and the few messages around a reported one (what a moderator sees)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q

from feed.selectors import posts_by_ids
from messaging.models import Message, ThreadMember
from messaging.selectors.threads import member_get
from messaging.states import SEEING, MessageState
from sora_social.accounts.models import User
from sora_social.accounts.selectors import block_exists
from sora_social.accounts.viewer import Viewer
from sora_social.common.pagination import decode_int_cursor, encode_cursor

# Messages a moderator sees on each side of a reported one: enough to read it in context,
# not the conversation.
CONTEXT_AROUND = 3


def messages_page(
    *, viewer: Viewer, thread_id: object, cursor: str | None, limit: int
) -> tuple[ThreadMember, list[Message], dict[int, dict[str, Any]], str | None]:
    """A page of a thread's messages, newest first, for a member: (my row, messages, cards of the
    shared posts I may see by id, next cursor). Four queries whatever the page size.

    In a group, messages of someone blocked either way are left out."""
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    scope = f"messaging.messages.{member.thread_id}"
    before = decode_int_cursor(cursor, scope=scope)
    rows = Message.objects.select_related("sender").filter(thread_id=member.thread_id)
    if viewer.blocked_ids:
        rows = rows.exclude(sender_id__in=viewer.blocked_ids)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    shared = [m.shared_post_id for m in page if m.shared_post_id and m.state == MessageState.VISIBLE]
    cards = {int(card["id"]): card for card in posts_by_ids(viewer=viewer, ids=shared)} if shared else {}
    next_cursor = encode_cursor(page[-1].pk, scope=scope) if more else None
    return member, page, cards, next_cursor


def message_visible_to(*, message_id: int, user: User) -> bool:
    """A visible message in a thread the member sees, not from someone blocked either way (own
    messages always): what a member may report."""
    threads = ThreadMember.objects.filter(user_id=user.pk, state__in=SEEING).values("thread_id")
    others = Q(state=MessageState.VISIBLE) & ~Q(block_exists(a=user.pk, b=OuterRef("sender_id")))
    return (
        Message.objects.filter(pk=message_id, thread_id__in=threads)
        .filter(Q(sender_id=user.pk) | others)
        .exists()
    )


def message_context(*, message_id: int, around: int = CONTEXT_AROUND) -> list[Message]:
    """The reported message's thread neighbours: `around` before and after it, oldest first,
    without the message itself (three queries)."""
    thread_id = Message.objects.filter(pk=message_id).values_list("thread_id", flat=True).first()
    if thread_id is None:
        return []
    base = Message.objects.select_related("sender").filter(thread_id=thread_id)
    before = list(base.filter(pk__lt=message_id).order_by("-id")[:around])
    after = list(base.filter(pk__gt=message_id).order_by("id")[:around])
    return [*reversed(before), *after]
