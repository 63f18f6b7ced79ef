"""The local media door `/media/<name>`: public names open, everything else only by a valid signature."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

pytestmark = pytest.mark.django_db

BODY = bytes(range(256)) * 40


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_X_ACCEL_PREFIX = None


def _get(url: str, **headers: Any) -> Any:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return Client().get(parts.path, query_params=query, headers=headers)


def _body(res: Any) -> bytes:
    return b"".join(res.streaming_content) if res.streaming else res.content


def _private(filename: str = "video.mp4") -> str:
    from sora_social.common.storage import PRIVATE, new_name

    return default_storage.save(new_name(PRIVATE, filename), ContentFile(BODY))


def _assert_not_found(res: Any) -> None:
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"


def test_guessable_paths_of_cameos_and_drafts_are_not_served(settings):
    """The old guessable paths (`cameos/<id>/reference.png`, `generations/<user>/<job>/a1/video.mp4`)
    answer 404, even for files stored there, and a cameo's face crop is not under /media/ at all."""
    from tests.accounts.factories import UserFactory
    from tests.cameos.factories import CameoFactory

    cameo = CameoFactory(owner=UserFactory(), state="verified")
    cameo.reference_image.save("reference.png", ContentFile(BODY), save=True)
    cameo.recording.save("recording.mp4", ContentFile(BODY), save=True)
    assert Client().get(f"/media/cameos/{cameo.id}/reference.png").status_code == 404
    assert Client().get(f"/media/cameos/{cameo.id}/recording.mp4").status_code == 404
    assert Client().get(f"/media/{cameo.reference_image.name}").status_code == 404
    legacy = default_storage.save("generations/1/2/a1/video.mp4", ContentFile(BODY))
    _assert_not_found(Client().get(f"/media/{legacy}"))


def test_a_signed_url_serves_its_file_until_it_expires():
    """A signed URL opens its file; it expires at least MEDIA_URL_TTL_S seconds after minting."""
    from django.conf import settings

    from sora_social.common.media import media_url

    name = _private()
    url = media_url(name)
    res = _get(url)
    assert res.status_code == 200
    assert _body(res) == BODY
    assert res["Content-Type"] == "video/mp4"
    assert res["Cache-Control"] == "private, no-store"
    expires = int(parse_qs(urlsplit(url).query)["exp"][0])
    assert time.time() + settings.MEDIA_URL_TTL_S <= expires <= time.time() + settings.MEDIA_URL_TTL_S + 60


def test_tampered_expired_and_borrowed_signatures_fail():
    """A changed signature, an expired one, a changed expiry, or another file's signature: 404 with the error body."""
    from sora_social.common.storage import signature

    name, other = _private(), _private()
    expires = int(time.time()) + 300
    sig = signature(name, expires)
    ok = Client().get(f"/media/{name}", query_params={"exp": expires, "sig": sig})
    assert ok.status_code == 200
    tampered = sig[:-2] + ("AA" if not sig.endswith("AA") else "BB")
    _assert_not_found(Client().get(f"/media/{name}", query_params={"exp": expires, "sig": tampered}))
    _assert_not_found(Client().get(f"/media/{name}", query_params={"exp": expires + 3600, "sig": sig}))
    _assert_not_found(Client().get(f"/media/{other}", query_params={"exp": expires, "sig": sig}))
    past = int(time.time()) - 1
    _assert_not_found(
        Client().get(f"/media/{name}", query_params={"exp": past, "sig": signature(name, past)})
    )
    _assert_not_found(Client().get(f"/media/{name}"))
    _assert_not_found(Client().get(f"/media/{name}", query_params={"exp": "soon", "sig": sig}))


def test_traversal_and_unknown_names_fail():
    """`..` segments, absolute names and missing files: 404 (a signature does not help)."""
    from sora_social.common.storage import signature

    name = _private()
    expires = int(time.time()) + 300
    for probe in (f"public/../{name}", f"public/x/../../{name}", "public/nothing/here.mp4"):
        _assert_not_found(
            Client().get(f"/media/{probe}", query_params={"exp": expires, "sig": signature(probe, expires)})
        )
    assert Client().post(f"/media/{name}").status_code == 405


def test_quarantined_files_get_urls_only_for_staff():
    """Member-facing URLs are never minted for quarantined names; the admin's are, and work."""
    from sora_social.common.media import media_url
    from sora_social.common.storage import QUARANTINE, new_name

    name = default_storage.save(new_name(QUARANTINE, "video.mp4"), ContentFile(BODY))
    assert media_url(name) is None
    assert _get(media_url(name, staff=True)).status_code == 200
    assert Client().get(f"/media/{name}").status_code == 404


def test_byte_ranges_are_served():
    """Players seek: a single byte range answers 206 with exactly those bytes."""
    from sora_social.common.media import media_url

    url = media_url(_private())
    res = _get(url, Range="bytes=100-199")
    assert res.status_code == 206
    assert res["Content-Range"] == f"bytes 100-199/{len(BODY)}"
    assert _body(res) == BODY[100:200]
    tail = _get(url, Range="bytes=-10")
    assert _body(tail) == BODY[-10:]
    assert _get(url, Range=f"bytes={len(BODY)}-").status_code == 416
    assert _get(url)["Accept-Ranges"] == "bytes"


def test_x_accel_redirect_hands_checked_files_to_nginx(settings):
    """With MEDIA_X_ACCEL_PREFIX the app checks and answers with X-Accel-Redirect and no body."""
    from sora_social.common.media import media_url

    settings.MEDIA_X_ACCEL_PREFIX = "/protected-media/"
    name = _private()
    res = _get(media_url(name))
    assert res.status_code == 200
    assert res["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert res.content == b""
    _assert_not_found(Client().get(f"/media/{name}"))


def test_card_urls_cost_no_queries(django_assert_num_queries):
    """Minting is pure computation (one HMAC), no database work."""
    from sora_social.common.media import media_url

    names = [_private() for _ in range(3)]
    with django_assert_num_queries(0):
        urls = [media_url(n) for n in names]
    assert all("sig=" in u for u in urls)
