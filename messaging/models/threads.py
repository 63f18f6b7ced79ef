"""Threads (1:1 and small groups), their members with read state, and messages.

A 1:1 thread carries `pair_key` ("<low id>:<high id>"); a unique constraint
over active threads makes "the thread of these two" exist at most once, so two
members opening it at the same moment get the same thread. Unread counts are
stored on the member row and moved by the same statement that stores a
message (never counted live).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from messaging.states import MemberState, MessageState, ThreadKind, ThreadState
from sora_social.common.ids import SnowflakeField


def pair_key(a: int, b: int) -> str:
    low, high = sorted((int(a), int(b)))
    return f"{low}:{high}"


class Thread(models.Model):
    id = SnowflakeField()
    kind = models.CharField(max_length=8, choices=ThreadKind.choices)
    state = models.CharField(max_length=8, choices=ThreadState.choices, default=ThreadState.ACTIVE)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    pair_key = models.CharField(max_length=41, null=True, blank=True)
    title = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Id of the newest message (or of the thread while it has none): the inbox order, newest first.
    activity_id = models.BigIntegerField()
    last_message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair_key"],
                condition=Q(state=ThreadState.ACTIVE, pair_key__isnull=False),
                name="messaging_one_active_thread_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(kind=ThreadKind.GROUP, pair_key__isnull=True)
                | Q(kind=ThreadKind.DIRECT, pair_key__isnull=False),
                name="messaging_direct_threads_have_a_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} thread {self.id} ({self.state})"


class ThreadMember(models.Model):
    id = SnowflakeField()
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=MemberState.choices)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(default=False)
    unread_count = models.PositiveIntegerField(default=0)
    last_read_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="messaging_one_member_row")]
        indexes = [models.Index(fields=["user", "state"], name="messaging_member_user_state")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.thread_id} ({self.state})"


class Message(models.Model):
    id = SnowflakeField()
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    # A feed post shared into the thread; checked visible for each reader when read.
    shared_post_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=MessageState.choices, default=MessageState.VISIBLE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["thread", "-id"], name="messaging_message_thread"),
            models.Index(fields=["sender", "created_at"], name="messaging_message_sender"),
        ]

    def __str__(self) -> str:
        return f"message {self.id} in {self.thread_id}"
