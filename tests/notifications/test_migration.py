"""The data migration folds the old accounts and cameo notification tables into the one system."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("notifications", "0001_initial"),
    ("accounts", "0006_account_deletion"),
    ("cameos", "0004_merge_release_branches"),
]
AFTER = [
    ("notifications", "0002_fold_account_and_cameo_notifications"),
    ("accounts", "0007_notifications_move_to_notifications_app"),
    ("cameos", "0005_notifications_move_to_notifications_app"),
]


@pytest.mark.django_db(transaction=True)
def test_old_rows_are_copied_with_their_read_state_and_counted():
    """Account and cameo notifications become events with groups of their own; cameo kinds gain the
    `cameo.` prefix, the cameo and its state; the unread counter counts the unread ones."""
    from tests.accounts.factories import UserFactory
    from tests.cameos.factories import CameoFactory

    owner, fan = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner)
    try:
        _fold_and_check(owner, fan, cameo)
    finally:
        # Back to the latest schema of every app (other apps' later migrations were undone on the way).
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _fold_and_check(owner, fan, cameo) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("accounts", "Notification").objects.create(
        id=11, user_id=owner.pk, kind="invitee.suspended", payload={"user_id": "5"}, read_at=timezone.now()
    )
    old.get_model("cameos", "CameoNotification").objects.create(
        id=12,
        recipient_id=owner.pk,
        cameo_id=cameo.pk,
        kind="requested",
        actor_id=fan.pk,
        data={"message": "hi"},
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    from sora_social.notifications.models import Inbox, Notification, NotificationGroup

    suspended = Notification.objects.get(pk=11)
    assert (suspended.kind, suspended.payload) == ("invitee.suspended", {"user_id": "5"})
    assert NotificationGroup.objects.get(pk=11).read_at is not None
    request = Notification.objects.get(pk=12)
    assert (request.kind, request.actor_id, request.target_type, request.target_id) == (
        "cameo.requested", fan.pk, "cameo", cameo.pk,
    )  # fmt: skip
    assert request.payload == {"cameo_id": str(cameo.pk), "state": cameo.state, "message": "hi"}
    assert NotificationGroup.objects.get(pk=12).actor_ids == [fan.pk]
    assert Inbox.objects.get(user=owner).unread == 1
