"""Opening threads, and each member's moves in one: accept, decline, leave, mute, read.

`thread_open` is the `check_*`/`do_*` pair of the house style in one atomic
function: everything is checked (members, blocks, the teen rules, the rate
limit on new recipients) before anything is written. A 1:1 thread is found or
made by its canonical pair; the partial unique constraint decides between two
members opening it at once (the loser's INSERT waits for the winner's commit,
fails inside a savepoint, and reads the winner's thread).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef

from messaging import presenters
from messaging.models import Thread, ThreadMember, pair_key
from messaging.selectors import member_get
from messaging.services.access import contact_check
from messaging.services.checks import new_recipients_check
from messaging.services.messages import message_send
from messaging.states import MEMBER_MACHINE, SEEING, THREAD_MACHINE, MemberState, ThreadKind, ThreadState
from sora_social.accounts.models import User
from sora_social.accounts.selectors import follow_exists
from sora_social.accounts.services import notification_create
from sora_social.accounts.viewer import Viewer
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.events import send_user_event_on_commit
from sora_social.common.ids import new_id, parse_id
from sora_social.common.states import bulk_transition, transition


def _recipients(viewer: Viewer, member_ids: list[object]) -> list[int]:
    """The recipients' ids: distinct, without the sender, all active members (else 404)."""
    ids: list[int] = []
    for raw in member_ids:
        pk = parse_id(raw)
        if pk is None:
            raise NotFound("No such user.", code="user_not_found")
        if pk != viewer.id and pk not in ids:
            ids.append(pk)
    if not ids:
        raise ValidationFailed(
            "Name at least one other member.", code="thread_needs_members", details={"member_ids": ["empty"]}
        )
    if len(ids) + 1 > settings.MESSAGING_GROUP_MAX:
        raise ValidationFailed(
            f"A thread has at most {settings.MESSAGING_GROUP_MAX} members.",
            code="thread_too_large",
            details={"member_ids": [f"At most {settings.MESSAGING_GROUP_MAX - 1} others."]},
        )
    found = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise NotFound("No such user.", code="user_not_found")
    return ids


def _direct_get(key: str) -> Thread | None:
    return Thread.objects.filter(pair_key=key, state=ThreadState.ACTIVE).first()


def _thread_insert(*, creator_id: int, kind: str, key: str | None, title: str) -> Thread | None:
    """A new thread, or None when another member's concurrent insert of the same pair won."""
    thread_id = new_id()
    try:
        with transaction.atomic():
            return Thread.objects.create(
                id=thread_id,
                kind=kind,
                pair_key=key,
                title=title,
                created_by_id=creator_id,
                activity_id=thread_id,
            )
    except IntegrityError:
        if key is None:
            raise
        return None


@transaction.atomic
def thread_open(*, viewer: Viewer, member_ids: list[object], title: str = "") -> tuple[Thread, bool]:
    """The 1:1 thread with one member (found or made), or a new group; (thread, created).

    Recipients who do not follow the sender get it as a request (and a
    `dm_request` notification) until they accept.
    """
    # The sender's limits are counted one request at a time. NO KEY UPDATE: it must not conflict
    # with the KEY SHARE lock another member's concurrent INSERT takes on this row (its FK).
    sender = User.objects.select_for_update(no_key=True).get(pk=viewer.id)
    ids = _recipients(viewer, member_ids)
    contact_check(viewer=viewer, sender=sender, recipient_ids=ids)
    title = (title or "").strip()
    direct = len(ids) == 1 and not title
    key = pair_key(viewer.id, ids[0]) if direct else None
    if key and (existing := _direct_get(key)) is not None:
        return existing, False
    new_recipients_check(sender_id=viewer.id, adding=len(ids))
    kind = ThreadKind.DIRECT if direct else ThreadKind.GROUP
    thread = _thread_insert(creator_id=viewer.id, kind=kind, key=key, title=title)
    if thread is None:  # the other member opened it first
        found = _direct_get(key or "")
        if found is None:  # pragma: no cover - the winner committed before our INSERT failed
            raise NotFound("No such thread.", code="thread_not_found")
        return found, False
    following = set(
        User.objects.filter(pk__in=ids)
        .filter(follow_exists(follower=OuterRef("pk"), followee=viewer.id))
        .values_list("pk", flat=True)
    )
    rows = [ThreadMember(thread=thread, user_id=viewer.id, state=MemberState.ACTIVE)]
    rows += [
        ThreadMember(
            thread=thread, user_id=i, state=MemberState.ACTIVE if i in following else MemberState.REQUESTED
        )
        for i in ids
    ]
    ThreadMember.objects.bulk_create(rows)
    for row in rows:
        if row.state == MemberState.REQUESTED:
            notification_create(
                user_id=row.user_id,
                kind="dm_request",
                payload=presenters.request_payload(thread, sender),
                actor_id=sender.pk,
                target_type="thread",
                target_id=thread.pk,
            )
    return thread, True


@transaction.atomic
def thread_start(
    *, viewer: Viewer, member_ids: list[object], title: str = "", text: str = "", post_id: object = None
) -> tuple[Thread, bool]:
    """`thread_open`, then the first message when there is text or a post: both or neither (a
    refused message leaves no new thread behind)."""
    thread, created = thread_open(viewer=viewer, member_ids=member_ids, title=title)
    if text or post_id not in (None, ""):
        message_send(viewer=viewer, thread_id=thread.pk, text=text, post_id=post_id)
    return thread, created


def _move(viewer: Viewer, thread_id: object, to: str, *, subject: str) -> ThreadMember:
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    moved: ThreadMember = transition(
        MEMBER_MACHINE, ThreadMember.objects.all(), pk=member.pk, to=to, expect=SEEING, subject=subject
    )
    moved.thread = member.thread
    return moved


def _end_if_direct(thread: Thread) -> None:
    if thread.kind == ThreadKind.DIRECT and thread.state == ThreadState.ACTIVE:
        bulk_transition(THREAD_MACHINE, Thread.objects.filter(pk=thread.pk), to=ThreadState.ENDED)


@transaction.atomic
def request_accept(*, viewer: Viewer, thread_id: object) -> ThreadMember:
    """Move a thread from my requests to my inbox (409 when it is not a request)."""
    return _move(viewer, thread_id, MemberState.ACTIVE, subject="request")


@transaction.atomic
def request_decline(*, viewer: Viewer, thread_id: object) -> None:
    """Decline a request: the thread is gone for me; a 1:1 thread ends (the sender is not told)."""
    member = _move(viewer, thread_id, MemberState.DECLINED, subject="request")
    _end_if_direct(member.thread)


@transaction.atomic
def thread_leave(*, viewer: Viewer, thread_id: object) -> None:
    """Leave a thread; leaving a 1:1 thread ends it for both (a new one can be started later)."""
    member = _move(viewer, thread_id, MemberState.LEFT, subject="membership")
    _end_if_direct(member.thread)


@transaction.atomic
def thread_mute(*, viewer: Viewer, thread_id: object, muted: bool) -> ThreadMember:
    """Mute or unmute a thread for me: messages still arrive, marked muted, without alerts."""
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    ThreadMember.objects.filter(pk=member.pk).update(muted=muted)
    member.muted = muted
    return member


@transaction.atomic
def thread_read(*, viewer: Viewer, thread_id: object) -> ThreadMember:
    """Mark everything in the thread read for me: my unread count is 0 again."""
    member = member_get(user_id=viewer.id, thread_id=thread_id)
    # The thread's lock orders this read against a message being sent (which holds it too),
    # so the count and the read position always agree.
    last = Thread.objects.select_for_update().values_list("activity_id", flat=True).get(pk=member.thread_id)
    ThreadMember.objects.filter(pk=member.pk).update(unread_count=0, last_read_id=last)
    member.unread_count, member.last_read_id = 0, last
    send_user_event_on_commit(viewer.id, presenters.read_event(member))
    return member
