"""Setting owner rules through the API: structured restrictions, validation, who may set them."""

from __future__ import annotations

import pytest

from cameos.models import Cameo
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db


def test_owner_sets_restrictions_and_rules_with_patch(client_for):
    """PATCH stores the structured restrictions (canonical order, no duplicates) beside the free text."""
    cameo = CameoFactory()
    response = client_for(cameo.owner).patch(
        f"/api/v1/cameos/{cameo.pk}",
        {"restrictions": ["no_violence", "no_political", "no_political"], "rules": "No smoking."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["restrictions"] == ["no_political", "no_violence"]
    assert response.json()["rules"] == "No smoking."
    cameo.refresh_from_db()
    assert cameo.restrictions == ["no_political", "no_violence"]


def test_unknown_restriction_is_a_400_and_changes_nothing(client_for):
    """An unknown code is refused with a clear error body; the stored rules stay as they were."""
    cameo = CameoFactory(restrictions=["no_sexual"])
    response = client_for(cameo.owner).patch(
        f"/api/v1/cameos/{cameo.pk}", {"restrictions": ["no_political", "no_fun"]}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "restrictions" in error["details"]
    assert Cameo.objects.get(pk=cameo.pk).restrictions == ["no_sexual"]


def test_only_the_owner_may_set_rules(client_for):
    """Another member (even one who may use the cameo) gets 404 and changes nothing."""
    cameo = CameoFactory(audience="everyone", restrictions=["no_political"])
    response = client_for(UserFactory()).patch(
        f"/api/v1/cameos/{cameo.pk}", {"restrictions": []}, format="json"
    )
    assert response.status_code == 404
    assert Cameo.objects.get(pk=cameo.pk).restrictions == ["no_political"]


def test_restrictions_are_shown_to_members_who_may_ask_to_use_the_cameo(client_for):
    """Requesters see the owner's restrictions before they cast."""
    cameo = CameoFactory(audience="approved", restrictions=["approval_required"])
    body = client_for(UserFactory()).get(f"/api/v1/cameos/{cameo.pk}").json()
    assert body["restrictions"] == ["approval_required"]
