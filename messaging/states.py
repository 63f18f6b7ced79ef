"""Thread and membership states, and the declared machines of legal moves between them.

`messaging.services` changes them only through these machines: single rows
with `sora_social.common.states.transition`, sets (a block, an account
deletion) with `bulk_transition` or an UPDATE whose `WHERE state IN (…)` is
the machine's `sources_of(target)`.
"""

from __future__ import annotations

from django.db import models

from sora_social.common.states import Machine


class ThreadState(models.TextChoices):
    ACTIVE = "active"
    # A block between the two members of a 1:1 thread, or a member leaving it:
    # nobody can send any more; the canonical pair is free for a new thread.
    ENDED = "ended"


THREAD_MACHINE = Machine(
    name="messaging.thread",
    states=ThreadState,
    initial=ThreadState.ACTIVE,
    moves={ThreadState.ACTIVE: {ThreadState.ENDED}, ThreadState.ENDED: set()},
    terminal={ThreadState.ENDED},
)


class MemberState(models.TextChoices):
    # Started by someone the member does not follow: in the member's requests until accepted.
    REQUESTED = "requested"
    ACTIVE = "active"
    DECLINED = "declined"
    LEFT = "left"


MEMBER_MACHINE = Machine(
    name="messaging.member",
    states=MemberState,
    initial={MemberState.REQUESTED, MemberState.ACTIVE},
    moves={
        MemberState.REQUESTED: {MemberState.ACTIVE, MemberState.DECLINED, MemberState.LEFT},
        MemberState.ACTIVE: {MemberState.LEFT},
        MemberState.DECLINED: set(),
        MemberState.LEFT: set(),
    },
    terminal={MemberState.DECLINED, MemberState.LEFT},
)

# Members who see the thread: in their inbox (active) or their requests.
SEEING = (MemberState.REQUESTED, MemberState.ACTIVE)


class MessageState(models.TextChoices):
    VISIBLE = "visible"
    DELETED = "deleted"  # by its sender, or with the sender's account: content gone
    REMOVED = "removed"  # by moderation: content kept for the case, shown to nobody


class ThreadKind(models.TextChoices):
    DIRECT = "direct"
    GROUP = "group"
