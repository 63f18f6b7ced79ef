"""The public /verify page: anyone uploads and reads the answer; rate-limited; keeps nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from feed import services as feed_services
from provenance import robustness
from provenance.models import MediaHash
from provenance.throttles import LookupIPThrottle
from tests.moderation.test_browser import chromium, in_browser  # noqa: F401  (the fixture and helper)


def _storage_files(root: str) -> set[str]:
    return {str(p) for p in Path(root).rglob("*") if p.is_file()} if os.path.isdir(root) else set()


def test_page_answers_and_keeps_nothing_of_the_upload(made_output, client, settings, tmp_path):
    """A stripped copy of a public post is traced on the page; no row, stored file or temp file stays."""
    job, video = made_output()
    post = feed_services.post_publish(author=job.user, generation_id=job.id)
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload spooled to a temporary file
    before_rows, before_files = MediaHash.objects.count(), _storage_files(settings.MEDIA_ROOT)
    assert client.get("/verify").status_code == 200
    response = client.post("/verify", {"file": SimpleUploadedFile("copy.mp4", robustness.scale_480p(video))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Yes: this was made with AI on Sora Social" in page
    assert f"/p/{post.id}" in page
    assert MediaHash.objects.count() == before_rows
    assert _storage_files(settings.MEDIA_ROOT) == before_files
    assert list(spool.iterdir()) == []


def test_page_refuses_bad_files_and_is_rate_limited(db, client, monkeypatch):
    """Undecodable bytes get a clear message (400); past the per-IP rate the page answers 429."""
    cache.clear()
    monkeypatch.setattr(LookupIPThrottle, "THROTTLE_RATES", {"provenance_lookup": "2/min"})
    bad = client.post("/verify", {"file": SimpleUploadedFile("x.mp4", b"garbage")})
    assert bad.status_code == 400
    assert "could not be decoded" in bad.content.decode()
    client.post("/verify", {"file": SimpleUploadedFile("x.mp4", b"garbage")})
    limited = client.post("/verify", {"file": SimpleUploadedFile("x.mp4", b"garbage")})
    assert limited.status_code == 429
    assert "Too many lookups" in limited.content.decode()


@pytest.mark.browser
def test_anyone_checks_a_clip_in_chromium(chromium, live_server, made_output, tmp_path, transactional_db):  # noqa: F811
    """In a real Chromium, a visitor picks a re-encoded clip, submits, and reads which post it is."""
    job, video = made_output()
    post = feed_services.post_publish(author=job.user, generation_id=job.id)
    clip = tmp_path / "from-another-app.mp4"
    clip.write_bytes(robustness.letterbox(video))
    unrelated = tmp_path / "holiday.png"
    unrelated.write_bytes(_png())

    def steps(page):
        page.goto(f"{live_server.url}/verify")
        page.set_input_files("#file", str(clip))
        page.click("#check")
        page.wait_for_selector("#verdict")
        found = (page.inner_text("#verdict"), page.get_attribute(".match a", "href"))
        page.goto(f"{live_server.url}/verify")
        page.set_input_files("#file", str(unrelated))
        page.click("#check")
        page.wait_for_selector("#verdict")
        return found, page.inner_text("#verdict")

    (verdict, href), other = in_browser(steps)
    assert verdict.startswith("Yes")
    assert href == f"/p/{post.id}"
    assert other.startswith("No match")


def _png() -> bytes:
    from tests.generation.factories import image_bytes

    return image_bytes(320, 240, "PNG", seed=9)
