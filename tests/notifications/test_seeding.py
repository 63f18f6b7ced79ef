"""The demo seed leaves the named members notifications to look at, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from feed.models import Post
from feed.states import PostState, Visibility
from sora_social.accounts.models import Follow, User
from sora_social.notifications.models import Notification, NotificationGroup


@pytest.mark.django_db
def test_demo_members_have_notifications_and_seeding_again_adds_none(settings, tmp_path):
    """After seed_demo, alice has follows (and likes and comments if she has a public post); a rerun adds nothing."""
    call_command("seed_demo", users=20, posts=40, verbosity=0, quiet_logins=True)
    alice = User.objects.get(username="alice")
    kinds = set(NotificationGroup.objects.filter(user=alice).values_list("kind", flat=True))
    assert "follow" in kinds
    # Every follower of alice is in her one (unread) follow group: the named members' and the demo's.
    followers = Follow.objects.filter(followee=alice).count()
    assert followers >= 3
    assert NotificationGroup.objects.get(user=alice, kind="follow").count == followers
    public = Post.objects.filter(author=alice, state=PostState.PUBLISHED, visibility=Visibility.PUBLIC)
    assert {"like", "comment"} <= kinds or not public.exists()
    before = Notification.objects.count()
    call_command("seed_demo", users=20, posts=40, verbosity=0, quiet_logins=True)
    assert Notification.objects.count() == before
