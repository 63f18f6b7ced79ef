"""Who can fetch which stored file, before and after removal (rule 10), over HTTP.

Every kind of stored file (a draft's video and poster, a public post's video
and poster, a followers-only post's video and poster, an image upload, a
cameo's enrolment recording and reference crop, a public figure's gallery
photo) against every kind of caller (anonymous, owner, follower, another
member, a blocked member, staff without and with `view_biometrics`).

A caller "gets" a file when the API (or, for staff, the admin) hands them a
URL for it and that URL answers 200 with the file's bytes. Signed URLs are
bearer capabilities that live `MEDIA_URL_TTL_S`; what keeps them private is
that they are minted only for callers allowed to see the object at that
moment, and that removal deletes or moves the object so URLs minted before
die at once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import bearer
from tests.generation.factories import GenerationJobFactory, image_bytes

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "owner", "follower", "other", "blocked", "staff", "staff_bio"]
MEMBER_FILES = [
    "draft_video",
    "draft_poster",
    "public_video",
    "public_poster",
    "followers_video",
    "followers_poster",
]
BIOMETRIC_FILES = ["recording", "reference", "figure_photo"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_X_ACCEL_PREFIX = None


def _job(user: Any, tag: str) -> Any:
    from sora_social.common.storage import PRIVATE, new_name

    base = new_name(PRIVATE, "")
    video = default_storage.save(f"{base}video.mp4", ContentFile(b"MP4-" + tag.encode() * 64))
    poster = default_storage.save(f"{base}poster.jpg", ContentFile(b"JPG-" + tag.encode() * 16))
    return GenerationJobFactory(user=user, state="ready", mode="text", video=video, poster=poster)


def _world() -> dict[str, Any]:
    from cameos.models import Cameo, PublicFigure
    from feed import services as feed
    from sora_social.accounts.services.graph import block_create, follow_create

    owner, follower, other, blocked = (UserFactory() for _ in range(4))
    staff = UserFactory(is_staff=True)
    staff_bio = UserFactory(is_staff=True)
    staff_bio.user_permissions.add(Permission.objects.get(codename="view_biometrics"))
    follow_create(actor=follower, target=owner)
    block_create(actor=owner, target=blocked)

    draft = _job(owner, "draft")
    public = feed.post_publish(author=owner, generation_id=_job(owner, "public").id, visibility="public")
    followers = feed.post_publish(
        author=owner, generation_id=_job(owner, "followers").id, visibility="followers"
    )

    upload = APIClient()
    upload.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(owner)}")
    res = upload.post(
        "/api/v1/uploads", {"file": ContentFile(image_bytes(), name="still.png")}, format="multipart"
    )
    assert res.status_code == 201, res.content

    cameo = Cameo.objects.create(owner=owner, state="verified")
    cameo.recording.save("recording.mp4", ContentFile(b"RECORDING" * 64), save=False)
    cameo.reference_image.save("reference.png", ContentFile(b"FACECROP" * 64), save=False)
    cameo.save()
    figure = PublicFigure(name="A Person")
    figure.photo.save("photo.jpg", ContentFile(b"FIGURE" * 64), save=True)
    return {
        "users": {
            "owner": owner,
            "follower": follower,
            "other": other,
            "blocked": blocked,
            "staff": staff,
            "staff_bio": staff_bio,
        },
        "draft": draft,
        "public": public,
        "followers": followers,
        "upload_id": res.json()["id"],
        "upload_url": res.json()["url"],
        "cameo": cameo,
        "figure": figure,
    }


def _api(world: dict[str, Any], caller: str) -> APIClient:
    client = APIClient()
    if caller != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(world['users'][caller])}")
    return client


def _minted(world: dict[str, Any], caller: str, kind: str) -> str | None:
    """The URL the product hands `caller` for that file now (None: none)."""
    obj, field = kind.split("_")
    if caller.startswith("staff"):
        # Moderators see content in the admin review queue (the subject adapters).
        from moderation.registry import adapter_for

        if obj == "draft":
            view = adapter_for("generation").render(world["draft"].id)
        else:
            view = adapter_for("post").render(world[obj].id)
        return view.video_url if field == "video" else view.image_url
    client = _api(world, caller)
    if obj == "draft":
        res = client.get(f"/api/v1/generations/{world['draft'].id}")
    else:
        res = client.get(f"/api/v1/posts/{world[obj].id}")
    if res.status_code != 200:
        return None
    return res.json()[f"{field}_url"]


def _fetch(url: str | None) -> int:
    if url is None:
        return 0
    parts = urlsplit(url)
    res = Client().get(parts.path, query_params=dict(p.split("=", 1) for p in parts.query.split("&") if p))
    if res.status_code == 200:
        body = b"".join(res.streaming_content) if res.streaming else res.content
        assert body, url
    return res.status_code


def _bare(url: str) -> int:
    """The same path without its signature (what someone guessing names would try)."""
    return Client().get(urlsplit(url).path).status_code


# Before removal: which callers get a working URL for which file.
GETS = {
    "draft_video": {"owner", "staff", "staff_bio"},
    # The review queue shows a draft by its video.
    "draft_poster": {"owner"},
    "public_video": {"owner", "follower", "other", "staff", "staff_bio"},
    "public_poster": {"owner", "follower", "other", "staff", "staff_bio"},
    "followers_video": {"owner", "follower", "staff", "staff_bio"},
    "followers_poster": {"owner", "follower", "staff", "staff_bio"},
}


def test_media_access_matrix_before_and_after_removal():
    """Each member file reaches exactly the callers allowed to see it; after removal no URL minted
    before works and none is minted; bare paths of private files never work."""
    from feed import services as feed
    from generation.services import outputs_remove
    from moderation import signals as m

    world = _world()
    # The blocked member asks too: the public post is hidden from them by the block.
    minted: dict[tuple[str, str], str | None] = {}
    got: dict[tuple[str, str], bool] = {}
    for kind in MEMBER_FILES:
        for caller in CALLERS:
            url = minted[kind, caller] = _minted(world, caller, kind)
            got[kind, caller] = _fetch(url) == 200
    expected = {(k, c): c in GETS[k] for k in MEMBER_FILES for c in CALLERS}
    assert got == expected

    # Anonymous callers get the public post's files by the public URL (no signature), nothing else.
    public_url = minted["public_video", "owner"]
    assert "?" not in public_url
    assert _bare(public_url) == 200
    assert _bare(minted["public_poster", "owner"]) == 200
    for kind in ("draft_video", "draft_poster", "followers_video", "followers_poster"):
        url = minted[kind, "owner"]
        assert "sig=" in url, url
        assert _bare(url) == 404
    # Names are random, never ids.
    for (_kind, _caller), url in minted.items():
        if url:
            assert str(world["draft"].id) not in url
            assert str(world["public"].id) not in url
            assert str(world["users"]["owner"].id) not in url

    # The upload: its URL goes to the uploader only (at upload), signed.
    assert _fetch(world["upload_url"]) == 200
    assert _bare(world["upload_url"]) == 404

    # Removal: a moderator removes the draft's output and the public post; the author deletes
    # the followers-only post.
    outputs_remove(job_ids=[world["draft"].id], reason="removed_by_moderation")
    from feed.receivers import on_content_actioned

    on_content_actioned(sender=None, kind="post", object_id=world["public"].id, action=m.REMOVE)
    feed.post_delete(author=world["users"]["owner"], post_id=world["followers"].id)

    for kind in MEMBER_FILES:
        for caller in CALLERS:
            before = minted[kind, caller]
            assert _fetch(before) in (0, 404), (kind, caller, before)
            now = _minted(world, caller, kind)
            if caller.startswith("staff") and kind.startswith("public"):
                # Moderators still see removed (restorable) content, by a signed quarantine URL.
                assert "quarantine/" in now
                assert "sig=" in now
                assert _fetch(now) == 200
                assert _bare(now) == 404
            else:
                assert _fetch(now) in (0, 404), (kind, caller, now)

    # A moderator's restore brings the public post back under a fresh public name.
    on_content_actioned(sender=None, kind="post", object_id=world["public"].id, action=m.RESTORE)
    again = _minted(world, "other", "public_video")
    assert again != public_url
    assert _bare(again) == 200
    assert _bare(public_url) == 404


def test_biometric_files_are_never_served_to_members(django_capture_on_commit_callbacks):
    """Recordings, face crops and gallery photos have no member URL; the admin door needs
    `view_biometrics`, and every view by staff writes an audit row."""
    from cameos.models import BiometricAccess

    world = _world()
    cameo, figure = world["cameo"], world["figure"]
    # The member API never names biometric files.
    body = _api(world, "owner").get(f"/api/v1/cameos/{cameo.id}").content.decode()
    assert "/media/" not in body
    assert cameo.reference_image.name not in body
    assert cameo.recording.name not in body
    # They live outside the media storage, so no /media/ path reaches them, guessed or known.
    for name in (cameo.recording.name, cameo.reference_image.name, figure.photo.name):
        assert not default_storage.exists(name)
        assert storages["biometric"].exists(name)
        assert Client().get(f"/media/{name}").status_code == 404
        assert Client().get(f"/media/biometric/{name}").status_code == 404
    with pytest.raises(ValueError, match="never served"):
        storages["biometric"].url(cameo.reference_image.name)

    doors = {
        "recording": f"/admin/cameos/cameo/{cameo.id}/biometric/recording/",
        "reference": f"/admin/cameos/cameo/{cameo.id}/biometric/reference_image/",
        "figure_photo": f"/admin/cameos/publicfigure/{figure.id}/biometric/photo/",
    }
    expected = {"anonymous": 302, "owner": 302, "follower": 302, "other": 302, "blocked": 302}
    expected |= {"staff": 403, "staff_bio": 200}
    for kind, door in doors.items():
        for caller in CALLERS:
            client = Client()
            if caller != "anonymous":
                client.force_login(world["users"][caller])
            res = client.get(door)
            assert res.status_code == expected[caller], (kind, caller)
            if res.status_code == 403:
                assert res.json()["error"]["code"] == "forbidden"
            if res.status_code == 200:
                assert res["Cache-Control"].startswith("private, no-store")
                assert b"".join(res.streaming_content)
    audit = list(BiometricAccess.objects.order_by("id").values_list("actor_id", "subject_kind", "field"))
    bio = world["users"]["staff_bio"].id
    assert audit == [
        (bio, "cameo", "recording"),
        (bio, "cameo", "reference_image"),
        (bio, "public_figure", "photo"),
    ]

    # Deleting the cameo erases the files: the admin door has nothing left to show.
    from cameos.services import cameo_delete

    names = [cameo.recording.name, cameo.reference_image.name]
    with django_capture_on_commit_callbacks(execute=True):
        cameo_delete(cameo=cameo)
    assert not any(storages["biometric"].exists(name) for name in names)
    client = Client()
    client.force_login(world["users"]["staff_bio"])
    assert client.get(doors["reference"]).status_code == 404


def test_urls_handed_out_before_a_removal_stop_working_at_once():
    """A public post's URL dies when a moderator removes the post, and a draft's URL when its
    output is removed, inside the removing transaction (not only for new requests)."""
    from feed import services as feed
    from feed.receivers import on_content_actioned
    from generation.services import outputs_remove
    from moderation import signals as m

    owner, viewer = UserFactory(), UserFactory()
    names = []
    for tag in ("post", "draft"):
        video = default_storage.save(f"x{tag}/video.mp4", ContentFile(b"video" * 100))
        poster = default_storage.save(f"x{tag}/poster.jpg", ContentFile(b"poster" * 100))
        names.append((video, poster))
    published = GenerationJobFactory(
        user=owner, state="ready", mode="text", video=names[0][0], poster=names[0][1]
    )
    draft = GenerationJobFactory(
        user=owner, state="ready", mode="text", video=names[1][0], poster=names[1][1]
    )
    post = feed.post_publish(author=owner, generation_id=published.id, visibility="public")

    viewer_api, owner_api = APIClient(), APIClient()
    viewer_api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(viewer)}")
    owner_api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(owner)}")
    post_url = viewer_api.get(f"/api/v1/posts/{post.id}").json()["video_url"]
    draft_url = owner_api.get(f"/api/v1/generations/{draft.id}").json()["video_url"]
    assert _fetch(post_url) == 200
    assert _fetch(draft_url) == 200

    on_content_actioned(sender=None, kind="post", object_id=post.id, action=m.REMOVE)
    outputs_remove(job_ids=[draft.id], reason="removed_by_moderation")
    assert _fetch(post_url) == 404
    assert _fetch(draft_url) == 404


def test_staff_open_drafts_and_uploads_from_the_admin_by_signed_links(admin_client):
    """The job and upload admin pages carry short-lived signed links that work; removed outputs have none."""
    import re

    from generation.models import ImageUpload
    from generation.services import outputs_remove

    owner = UserFactory()
    job = _job(owner, "admin")
    upload = ImageUpload.objects.create(
        user=owner,
        file=default_storage.save("private/u/upload.png", ContentFile(image_bytes())),
        content_type="image/png",
        width=320,
        height=240,
        size_bytes=1,
        sha256="0" * 64,
    )
    for page in (
        f"/admin/generation/generationjob/{job.id}/change/",
        f"/admin/generation/imageupload/{upload.id}/change/",
    ):
        html = admin_client.get(page).content.decode()
        links = re.findall(r'href="(/media/[^"]+)"', html)
        assert links, page
        for link in links:
            assert "sig=" in link
            assert _fetch(link.replace("&amp;", "&")) == 200
    outputs_remove(job_ids=[job.id], reason="removed_by_moderation")
    html = admin_client.get(f"/admin/generation/generationjob/{job.id}/change/").content.decode()
    assert not re.findall(r'href="(/media/[^"]+)"', html)


def test_media_access_matrix_after_account_deletion(django_capture_on_commit_callbacks):
    """After the owner deletes their account, no URL minted before works for any caller, none is
    minted again (staff included: the files are gone, not quarantined), and the biometric files
    and the upload are gone too."""
    world = _world()
    owner = world["users"]["owner"]
    minted = {(k, c): _minted(world, c, k) for k in MEMBER_FILES for c in CALLERS}
    assert sum(_fetch(u) == 200 for u in minted.values()) == sum(len(GETS[k]) for k in MEMBER_FILES)
    biometric = [world["cameo"].recording.name, world["cameo"].reference_image.name]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(owner)}")
    with django_capture_on_commit_callbacks(execute=True):
        res = client.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert res.status_code == 204, res.content

    for (kind, caller), before in minted.items():
        assert _fetch(before) in (0, 404), (kind, caller, before)
        assert _fetch(_minted(world, caller, kind)) in (0, 404), (kind, caller)
    assert _fetch(world["upload_url"]) == 404
    assert not any(storages["biometric"].exists(name) for name in biometric)
