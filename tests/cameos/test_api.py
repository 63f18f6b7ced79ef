"""The cameos API: enrolment over HTTP with the verdict on the WebSocket, consent, appearances, deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos import services
from cameos.models import Appearance, Cameo, CameoAccess, DlibFaceEmbedding
from sora_social.asgi import application
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.cameos import media
from tests.cameos.factories import AppearanceFactory, CameoFactory
from tests.conftest import bearer


@pytest.mark.django_db(transaction=True)
@pytest.mark.ml
async def test_enrol_over_http_and_hear_the_verdict_on_the_websocket(
    inprocess_worker, settings, tmp_path, client_for
):
    """POST /cameos gives a challenge; the recording answers 202; the worker's verdict arrives on the socket."""
    user = await database_sync_to_async(UserFactory)()
    client = client_for(user)
    socket = WebsocketCommunicator(application, f"/ws/?token={bearer(user)}")
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # hello

    created = await sync_to_async(client.post)("/api/v1/cameos")
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "awaiting_recording"
    challenge = body["challenge"]
    assert set(challenge) >= {"moves", "phrase", "phrase_window_s"}

    video = await sync_to_async(media.enrolment_video)(challenge, person=0)
    upload = SimpleUploadedFile("me.mp4", video, "video/mp4")
    answered = await sync_to_async(client.post)(
        f"/api/v1/cameos/{body['id']}/recording", {"file": upload}, format="multipart"
    )
    assert answered.status_code == 202, answered.content
    assert answered.json()["state"] == "processing"

    event = await socket.receive_json_from(timeout=60)
    assert event["type"] == "cameo.verified"
    assert event["cameo_id"] == body["id"]
    assert event["state"] == "verified"
    await socket.disconnect()
    shown = (await sync_to_async(client.get)(f"/api/v1/cameos/{body['id']}")).json()
    assert shown["state"] == "verified"
    assert shown["reasons"] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.ml
async def test_two_faces_rejected_with_reasons_on_the_websocket(inprocess_worker, client_for):
    """A recording that switches people is rejected; the socket event carries the machine-readable reason."""
    user = await database_sync_to_async(UserFactory)()
    client = client_for(user)
    socket = WebsocketCommunicator(application, f"/ws/?token={bearer(user)}")
    assert (await socket.connect())[0]
    await socket.receive_json_from()
    body = (await sync_to_async(client.post)("/api/v1/cameos")).json()
    video = await sync_to_async(media.enrolment_video)(body["challenge"], person=2, second_person=5)
    upload = SimpleUploadedFile("me.mp4", video, "video/mp4")
    await sync_to_async(client.post)(
        f"/api/v1/cameos/{body['id']}/recording", {"file": upload}, format="multipart"
    )
    event = await socket.receive_json_from(timeout=60)
    assert event["type"] == "cameo.rejected"
    assert "identity_changed" in event["reasons"]
    await socket.disconnect()


@pytest.mark.django_db
def test_recording_endpoint_refuses_bad_uploads(client_for):
    """Missing file, wrong type, garbage bytes: 400 with a specific code, the cameo still awaits a recording."""
    user = UserFactory()
    client = client_for(user)
    cameo_id = client.post("/api/v1/cameos").json()["id"]
    url = f"/api/v1/cameos/{cameo_id}/recording"
    assert client.post(url, {}, format="multipart").json()["error"]["code"] == "file_missing"
    text = SimpleUploadedFile("a.txt", b"hi", "text/plain")
    assert (
        client.post(url, {"file": text}, format="multipart").json()["error"]["code"]
        == "unsupported_media_type"
    )
    junk = SimpleUploadedFile("a.mp4", b"\x00" * 500, "video/mp4")
    response = client.post(url, {"file": junk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "recording_undecodable"
    assert Cameo.objects.get(pk=cameo_id).state == "awaiting_recording"


@pytest.mark.django_db
def test_someone_elses_cameo_is_404_for_management(client_for):
    """Another member cannot see a private cameo, nor manage any cameo that is not theirs (404, not 403)."""
    cameo = CameoFactory(audience="only_me")
    stranger = client_for(UserFactory())
    assert stranger.get(f"/api/v1/cameos/{cameo.pk}").status_code == 404
    assert (
        stranger.patch(f"/api/v1/cameos/{cameo.pk}", {"audience": "everyone"}, format="json").status_code
        == 404
    )
    assert stranger.delete(f"/api/v1/cameos/{cameo.pk}").status_code == 404
    assert stranger.get(f"/api/v1/cameos/{cameo.pk}/appearances").status_code == 404
    assert stranger.get("/api/v1/cameos/not-an-id").status_code == 404
    cameo.refresh_from_db()
    assert cameo.audience == "only_me"


@pytest.mark.django_db
def test_request_approve_then_usable_then_revoke(client_for):
    """Ask to use → the owner sees and approves it → it is usable → the owner revokes → it is not."""
    cameo = CameoFactory(audience="approved")
    owner, fan = client_for(cameo.owner), UserFactory()
    fan_client = client_for(fan)
    assert fan_client.get(f"/api/v1/cameos/{cameo.pk}").json()["state"] == "verified"
    assert "challenge" not in fan_client.get(f"/api/v1/cameos/{cameo.pk}").json()
    made = fan_client.post(
        f"/api/v1/cameos/{cameo.pk}/requests", {"message": "for my skate video"}, format="json"
    )
    assert made.status_code == 201
    assert fan_client.post(f"/api/v1/cameos/{cameo.pk}/requests", {}, format="json").status_code == 409
    listed = owner.get("/api/v1/me/cameo-requests").json()["results"]
    assert [r["id"] for r in listed] == [made.json()["id"]]
    assert (
        client_for(UserFactory()).post(f"/api/v1/cameo-requests/{listed[0]['id']}/approve").status_code == 404
    )
    assert owner.post(f"/api/v1/cameo-requests/{listed[0]['id']}/approve").json()["state"] == "approved"
    usable = fan_client.get("/api/v1/cameos?usable=true").json()["results"]
    assert [c["id"] for c in usable] == [str(cameo.pk)]
    assert owner.delete(f"/api/v1/cameos/{cameo.pk}/grants/{fan.pk}").status_code == 204
    assert fan_client.get("/api/v1/cameos?usable=true").json()["results"] == []
    assert CameoAccess.objects.get(cameo=cameo, user=fan).state == "revoked"
    kinds = set(Notification.objects.filter(user=cameo.owner).values_list("kind", flat=True))
    assert kinds == {"cameo.requested"}


@pytest.mark.django_db
def test_deny_and_grant_and_rules(client_for):
    """A denied request grants nothing; a direct grant does; owner rules are stored as text."""
    cameo = CameoFactory(audience="approved")
    owner, asker = client_for(cameo.owner), UserFactory()
    made = client_for(asker).post(f"/api/v1/cameos/{cameo.pk}/requests", {}, format="json").json()
    assert owner.post(f"/api/v1/cameo-requests/{made['id']}/deny").json()["state"] == "denied"
    assert not CameoAccess.objects.filter(cameo=cameo, user=asker).exists()
    assert (
        owner.post(f"/api/v1/cameos/{cameo.pk}/grants", {"user_id": str(asker.pk)}, format="json").status_code
        == 201
    )
    assert (
        owner.post(f"/api/v1/cameos/{cameo.pk}/grants", {"user_id": "999"}, format="json").status_code == 404
    )
    patched = owner.patch(f"/api/v1/cameos/{cameo.pk}", {"rules": "  no political content "}, format="json")
    assert patched.json()["rules"] == "no political content"
    assert owner.patch(f"/api/v1/cameos/{cameo.pk}", {"audience": "nobody"}, format="json").status_code == 400


@pytest.mark.django_db
def test_appearances_list_includes_others_drafts_and_has_constant_queries(
    client_for, django_assert_num_queries
):
    """The owner lists every appearance, cast or detected, anyone's; the query count does not grow with rows."""
    cameo = CameoFactory()
    client = client_for(cameo.owner)
    AppearanceFactory(cameo=cameo, kind="generation", creator_id=UserFactory().pk)
    url = f"/api/v1/cameos/{cameo.pk}/appearances"
    with django_assert_num_queries(3):  # auth user, the cameo, the page
        assert len(client.get(url).json()["results"]) == 1
    for i in range(15):
        AppearanceFactory(cameo=cameo, kind="post" if i % 2 else "generation", source="detected", score=0.3)
    with django_assert_num_queries(3):
        results = client.get(url).json()["results"]
    assert len(results) == 16
    assert {r["source"] for r in results} == {"cast", "detected"}


@pytest.mark.django_db
def test_remove_appearance_endpoint(client_for):
    """DELETE …/appearances/{id} removes it from the list; a second DELETE is 404."""
    cameo = CameoFactory()
    client = client_for(cameo.owner)
    appearance = AppearanceFactory(cameo=cameo, kind="post", object_id=99)
    url = f"/api/v1/cameos/{cameo.pk}/appearances/{appearance.pk}"
    assert client.delete(url).status_code == 204
    assert client.get(f"/api/v1/cameos/{cameo.pk}/appearances").json()["results"] == []
    assert client.delete(url).status_code == 404


@pytest.mark.django_db
def test_notifications_list_and_read(client_for, django_assert_num_queries):
    """Owner notifications are listed newest first and can be marked read."""
    cameo = CameoFactory()
    client = client_for(cameo.owner)
    for object_id in range(3):
        services.appearance_record(
            cameo_id=cameo.pk,
            kind="generation",
            object_id=object_id,
            source="cast",
            creator_id=UserFactory().pk,
        )
    with django_assert_num_queries(2):
        results = client.get("/api/v1/me/cameo-notifications").json()["results"]
    assert [r["kind"] for r in results] == ["cast", "cast", "cast"]
    assert results[0]["data"]["object_id"] == "2"
    # The deprecated alias marks groups of the one system: three casts of one cameo are one group.
    assert client.post("/api/v1/me/cameo-notifications/read", {}, format="json").json() == {"marked": 1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.ml
def test_delete_erases_face_data_files_and_appearances(client_for):
    """DELETE /cameos/{id}: registry rows, recording and reference files, appearances and grants are gone; signals fired."""
    from cameos import signals
    from tests.cameos.test_enrolment import enrol

    heard = []

    def on_removed(sender, **kwargs):
        heard.append(("removed", kwargs["kind"], sorted(kwargs["object_ids"])))

    def on_deleted(sender, **kwargs):
        heard.append(("deleted", kwargs["cameo_id"]))

    signals.appearance_removed.connect(on_removed)
    signals.cameo_deleted.connect(on_deleted)
    try:
        cameo = enrol(3)
        assert cameo.state == "verified"
        services.cameo_grant(cameo=cameo, user_id=UserFactory().pk)
        AppearanceFactory(cameo=cameo, kind="generation", object_id=5)
        AppearanceFactory(cameo=cameo, kind="post", object_id=6)
        AppearanceFactory(cameo=cameo, kind="post", object_id=7)
        files = [Path(cameo.recording.path), Path(cameo.reference_image.path)]
        assert all(f.exists() for f in files)
        assert DlibFaceEmbedding.objects.filter(subject_kind="cameo", subject_id=cameo.pk).exists()

        assert client_for(cameo.owner).delete(f"/api/v1/cameos/{cameo.pk}").status_code == 204

        assert not Cameo.objects.filter(pk=cameo.pk).exists()
        assert not DlibFaceEmbedding.objects.filter(subject_kind="cameo", subject_id=cameo.pk).exists()
        assert not Appearance.objects.filter(cameo_id=cameo.pk).exists()
        assert not CameoAccess.objects.filter(cameo_id=cameo.pk).exists()
        assert not any(f.exists() for f in files)
        assert sorted(heard[:2]) == [("removed", "generation", [5]), ("removed", "post", [6, 7])]
        assert heard[2] == ("deleted", cameo.pk)
    finally:
        signals.appearance_removed.disconnect(on_removed)
        signals.cameo_deleted.disconnect(on_deleted)


@pytest.mark.django_db
def test_usable_cameos_and_requests_lists_have_constant_queries(client_for, django_assert_num_queries):
    """GET /cameos?usable=true and GET /me/cameo-requests cost the same for one item and for many."""
    caster = UserFactory()
    client = client_for(caster)
    owner_cameo = CameoFactory(audience="everyone")
    client.get("/api/v1/me")  # warm the auth path
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/cameos?usable=true").json()["results"]) == 1
    for _ in range(12):
        CameoFactory(audience="everyone")
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/cameos?usable=true").json()["results"]) == 13

    owner = client_for(owner_cameo.owner)
    services.cameo_update(cameo=owner_cameo, audience="approved")
    services.cameo_request_create(cameo=owner_cameo, requester=UserFactory())
    with django_assert_num_queries(2):
        assert len(owner.get("/api/v1/me/cameo-requests").json()["results"]) == 1
    for _ in range(9):
        services.cameo_request_create(cameo=owner_cameo, requester=UserFactory())
    with django_assert_num_queries(2):
        assert len(owner.get("/api/v1/me/cameo-requests").json()["results"]) == 10
