"""Admin: the public-figure gallery (upload a photo → embedding) and cameo deletion through the service."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos.models import DlibFaceEmbedding, PublicFigure
from tests.accounts.factories import UserFactory
from tests.cameos import media
from tests.cameos.factories import AppearanceFactory, CameoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


@pytest.fixture
def staff_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_uploading_a_photo_adds_a_protected_face(staff_client, dlib_backend):
    """Adding a public figure with a one-face photo stores one registry embedding for them."""
    photo = SimpleUploadedFile("hanks.png", media.png_bytes("hanks"), "image/png")
    response = staff_client.post(
        "/admin/cameos/publicfigure/add/", {"name": "Tom Hanks", "photo": photo, "active": "on"}
    )
    assert response.status_code == 302, response.content[:500]
    figure = PublicFigure.objects.get(name="Tom Hanks")
    rows = DlibFaceEmbedding.objects.filter(
        subject_kind="public_figure", subject_id=figure.pk, pool="registry"
    )
    assert rows.count() == 1


def test_a_group_photo_is_refused(staff_client, dlib_backend):
    """A photo with six faces adds nobody and says why."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(media.photo("t1.jpg")).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("group.jpg", buffer.getvalue(), "image/jpeg")
    response = staff_client.post(
        "/admin/cameos/publicfigure/add/", {"name": "Six people", "photo": photo, "active": "on"}, follow=True
    )
    assert b"exactly one face" in response.content
    assert not DlibFaceEmbedding.objects.filter(subject_kind="public_figure").exists()


def test_deleting_a_public_figure_erases_their_face(staff_client, dlib_backend):
    """Deleting a gallery entry removes its embedding too."""
    from django.core.files.base import ContentFile

    from cameos import services

    figure = services.public_figure_add(
        name="Tom Hanks", photo=ContentFile(media.png_bytes("hanks"), name="h.png")
    )
    staff_client.post(f"/admin/cameos/publicfigure/{figure.pk}/delete/", {"post": "yes"})
    assert not PublicFigure.objects.exists()
    assert not DlibFaceEmbedding.objects.filter(subject_kind="public_figure").exists()


def test_cameo_pages_render_and_delete_goes_through_the_service(staff_client):
    """The cameo change page shows grants and appearances; deleting removes its appearances."""
    cameo = CameoFactory()
    AppearanceFactory(cameo=cameo)
    assert staff_client.get("/admin/cameos/cameo/").status_code == 200
    assert staff_client.get(f"/admin/cameos/cameo/{cameo.pk}/change/").status_code == 200
    assert staff_client.get("/admin/cameos/appearance/").status_code == 200
    staff_client.post(f"/admin/cameos/cameo/{cameo.pk}/delete/", {"post": "yes"})
    assert not type(cameo).objects.filter(pk=cameo.pk).exists()


def test_appearance_removal_needs_permission_and_reason_and_is_audited(client):
    """`remove_appearance` plus a reason removes the video for everyone and writes the audit row."""
    from cameos.models import Appearance
    from moderation.models import AuditEvent
    from tests.accounts.factories import staff_with

    appearance = AppearanceFactory()
    picked = {"action": "remove_for_everyone", "_selected_action": [appearance.pk]}

    client.force_login(staff_with("cameos.view_appearance", username="viewer"))
    assert "remove_for_everyone" not in client.get("/admin/cameos/appearance/").content.decode()
    client.post("/admin/cameos/appearance/", {**picked, "apply": "1", "reason": "owner asked"})
    assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.ACTIVE

    staff = staff_with("cameos.view_appearance", "cameos.remove_appearance", username="remover")
    client.force_login(staff)
    page = client.post("/admin/cameos/appearance/", picked)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    client.post("/admin/cameos/appearance/", {**picked, "apply": "1", "reason": ""})
    assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.ACTIVE
    assert not AuditEvent.objects.exists()

    client.post("/admin/cameos/appearance/", {**picked, "apply": "1", "reason": "owner asked by e-mail"})
    assert Appearance.objects.get(pk=appearance.pk).state != Appearance.State.ACTIVE
    event = AuditEvent.objects.get(event="staff.appearance_remove")
    assert (event.actor_id, event.subject_kind, event.subject_id) == (staff.pk, "appearance", appearance.pk)
    assert event.reason == "owner asked by e-mail"
