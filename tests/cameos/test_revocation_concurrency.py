"""Revocation against a cast being accepted at the same moment, on real concurrent connections."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from cameos import selectors, services, signals
from cameos.models import Appearance
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*, lock: bool) -> list[int]:
    """Thread A accepts a cast (consent check + job row) and commits late; thread B revokes meanwhile.

    Returns the job ids B's signal receiver could see: what generation's receiver would cancel.
    """
    cameo = CameoFactory(audience="everyone")
    caster = UserFactory()
    checked = threading.Event()
    seen: list[int] = []

    def receiver(sender, *, cameo_id, user_id, **kwargs):
        seen.extend(
            Appearance.objects.filter(cameo_id=cameo_id, creator_id=user_id, kind="generation").values_list(
                "object_id", flat=True
            )
        )

    def accept():
        try:
            with transaction.atomic():
                assert selectors.may_cast(user_id=caster.pk, cameo_id=cameo.pk, lock=lock)
                checked.set()
                time.sleep(0.4)  # the rest of the accepting transaction
                services.appearance_record(
                    cameo_id=cameo.pk, kind="generation", object_id=4242, source="cast", creator_id=caster.pk
                )
        finally:
            connection.close()

    def revoke():
        try:
            checked.wait(5)
            services.cameo_revoke(cameo=cameo, user_id=caster.pk)
        finally:
            connection.close()

    signals.cameo_access_revoked.connect(receiver)
    try:
        threads = [threading.Thread(target=accept), threading.Thread(target=revoke)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    finally:
        signals.cameo_access_revoked.disconnect(receiver)
    assert not selectors.may_cast(user_id=caster.pk, cameo_id=cameo.pk)
    return seen


def test_revocation_waits_for_a_cast_accepted_under_the_lock():
    """With may_cast(lock=True) the revocation waits, so its receivers see (and can cancel) the accepted job."""
    assert _race(lock=True) == [4242]


def test_without_the_lock_the_receiver_would_miss_the_job():
    """The control: an unlocked check lets the revocation run first and miss the job (why generation must lock)."""
    assert _race(lock=False) == []
