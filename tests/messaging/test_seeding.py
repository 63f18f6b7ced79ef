"""The demo seeds a few threads: alice and bob, a group, and a request to alice; idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from messaging.models import Message, Thread, ThreadMember

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_threads_once():
    """A 1:1 thread with a shared post, a titled group and a request; a second run adds nothing."""
    call_command("seed_demo", users=12, posts=20, verbosity=0, quiet_logins=True, no_cameos=True)
    assert Thread.objects.filter(kind="direct", members__user__username="alice").count() >= 1
    assert Thread.objects.filter(kind="group", title="Weekend remix club").count() == 1
    assert ThreadMember.objects.filter(user__username="alice", state="requested").exists()
    assert Message.objects.exclude(shared_post_id=None).exists()
    counts = (Thread.objects.count(), Message.objects.count())
    call_command("seed_demo", users=12, posts=20, verbosity=0, quiet_logins=True, no_cameos=True)
    assert (Thread.objects.count(), Message.objects.count()) == counts
