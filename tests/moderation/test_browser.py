"""A moderator works the queue in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import pytest

from moderation import services
from tests.accounts.factories import UserFactory
from tests.moderation.factories import SeasonedUserFactory, StaffFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.moderation.browser_urls")]


def _write_webm(path: Path, seconds: int = 2, fps: int = 10) -> None:
    """A small VP8 WebM the browser can decode (generated, not a fixture file)."""
    import av

    with av.open(str(path), "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(seconds * fps):
            frame = np.zeros((64, 64, 3), dtype=np.uint8)
            frame[..., 0] = (i * 12) % 255
            frame[16:48, 16:48, 1] = 200
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture
def chromium() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (make test installs it with apt-get)")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


def in_browser(steps):
    """Run Playwright steps in their own thread: its sync API keeps an event loop in the
    calling thread, and the test thread must stay free for Django's database calls."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    def run():
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            try:
                return steps(browser.new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


def make_moderator(username: str, password: str) -> None:
    """A superuser staff member who can log in to the admin with `password`."""
    moderator = StaffFactory(is_superuser=True, username=username)
    moderator.set_password(password)
    moderator.save()


def open_top_case(page, base_url: str, username: str, password: str) -> None:
    """Log in to the admin and open the first case of the review queue."""
    page.goto(f"{base_url}/admin/login/?next=/admin/moderation/case/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#result_list")
    page.click("#result_list tbody tr:first-child th a")
    page.wait_for_selector("[data-testid=case]")


def wait_for_subject_video(page) -> None:
    """Wait until the case's video element really loads and decodes (readyState >= HAVE_CURRENT_DATA)."""
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=subject-video]'); return v && v.readyState >= 2; }",
        timeout=15_000,
    )


def remove_open_case(page, reason: str) -> str:
    """Remove the open case's subject with `reason`; answers the case's state afterwards."""
    page.fill("[data-testid=reason]", reason)
    page.click("[data-testid=action-remove]")
    page.wait_for_selector("[data-testid=removed]")
    return page.inner_text("[data-testid=case-state]")


@pytest.fixture
def webm_name(settings):
    """A decodable WebM in media storage: its storage name."""
    folder = Path(settings.MEDIA_ROOT) / "browser-tests" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    _write_webm(folder / "clip.webm")
    yield f"{folder.relative_to(settings.MEDIA_ROOT).as_posix()}/clip.webm"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def media_video(webm_name):
    return f"/media/{webm_name}"


@pytest.mark.django_db(transaction=True)
def test_moderator_removes_the_top_case_and_it_is_gone_from_the_api(
    chromium, live_server, clips, media_video, client_for
):
    """Log in, open the top case, watch its video load, remove it with a reason: the API answers 404."""
    make_moderator("mod1", "mod-pass-123")
    owner = UserFactory()
    clips.add(7001, owner_id=owner.pk, title="top clip", reach=90_000, video_url=media_video)
    clips.add(7002, owner_id=owner.pk, title="minor clip", reach=1, video_url=media_video)
    services.report_create(reporter=SeasonedUserFactory(), kind="clip", object_id=7001, reason="violence")
    services.report_create(reporter=SeasonedUserFactory(), kind="clip", object_id=7002, reason="spam")
    api = client_for(owner)
    assert api.get("/api/v1/test-clips/7001").status_code == 200

    def moderate(page):
        open_top_case(page, live_server.url, "mod1", "mod-pass-123")
        title = page.inner_text(".case-video h2")
        wait_for_subject_video(page)
        duration = page.eval_on_selector("[data-testid=subject-video]", "v => v.duration")
        return title, duration, remove_open_case(page, "graphic violence")

    title, duration, state = in_browser(moderate)
    assert title == "top clip"
    assert 1.5 < duration < 2.5
    assert state == "resolved"
    assert api.get("/api/v1/test-clips/7001").status_code == 404
    assert api.get("/api/v1/test-clips/7002").status_code == 200
