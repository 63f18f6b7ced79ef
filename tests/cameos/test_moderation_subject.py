"""Cameos can be reported; a moderator's removal deletes the cameo and its face data."""

from __future__ import annotations

import pytest

from cameos.models import Appearance, Cameo
from moderation import services as moderation_services
from moderation.models import Report
from tests.cameos.factories import AppearanceFactory, CameoFactory
from tests.moderation.factories import SeasonedUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_report_on_a_cameo_opens_a_fast_tracked_case(client_for):
    """POST /reports with target_kind cameo is accepted and opens a case about that cameo."""
    cameo = CameoFactory()
    response = client_for(SeasonedUserFactory()).post(
        "/api/v1/reports",
        {"target_kind": "cameo", "target_id": str(cameo.pk), "reason": "likeness_without_consent"},
        format="json",
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert (report.case.subject_kind, report.case.subject_id) == ("cameo", cameo.pk)


def test_unknown_cameo_report_is_404(client_for):
    """A report on a cameo id that does not exist is a 404, and nothing is stored."""
    response = client_for(SeasonedUserFactory()).post(
        "/api/v1/reports", {"target_kind": "cameo", "target_id": "12345", "reason": "spam"}, format="json"
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_moderator_removal_deletes_the_cameo_and_its_appearances(django_capture_on_commit_callbacks):
    """Removing a reported cameo deletes it with every appearance (its likeness leaves the product)."""
    cameo = CameoFactory()
    AppearanceFactory(cameo=cameo, kind="post", object_id=9001)
    report = moderation_services.report_create(
        reporter=SeasonedUserFactory(), kind="cameo", object_id=cameo.pk, reason="likeness_without_consent"
    )
    moderator = StaffFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.case_act(
            case_id=report.case_id,
            action="remove",
            actor=moderator,
            reason="enrolled from another person's face",
        )
    assert not Cameo.objects.filter(pk=cameo.pk).exists()
    assert not Appearance.objects.filter(cameo_id=cameo.pk).exists()
