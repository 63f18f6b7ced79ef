"""The demo seeder enrols alice, bob and carol with real faces and protects Tom Hanks, idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cameos.models import Cameo, DlibFaceEmbedding, PublicFigure

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


def test_seeded_cameos_are_real_and_seeding_twice_adds_nothing():
    """Three verified cameos with registry rows and reference crops, one gallery entry; a rerun adds none."""
    call_command("seed_demo", users=0, verbosity=0, quiet_logins=True)
    cameos = Cameo.objects.filter(state="verified")
    assert sorted(cameos.values_list("owner__username", "audience")) == [
        ("alice", "everyone"),
        ("bob", "mutuals"),
        ("carol", "approved"),
    ]
    assert DlibFaceEmbedding.objects.filter(subject_kind="cameo").count() == 3
    assert all(c.reference_image for c in cameos)
    assert PublicFigure.objects.count() == 1
    call_command("seed_demo", users=0, verbosity=0, quiet_logins=True)
    assert Cameo.objects.count() == 3
    assert DlibFaceEmbedding.objects.count() == 4
