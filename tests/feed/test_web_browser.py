"""The web pages in a real headless Chromium (Debian's, driven by Playwright): the share page's video
plays, and a friend signs up through an invite link with JavaScript turned off."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from generation import media
from sora_social.accounts.models import InviteCode, User
from tests.accounts.factories import make_member
from tests.feed.factories import publish
from tests.moderation.test_browser import CHROMIUM, CHROMIUM_FLAGS, chromium  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser]


def in_browser(steps: Any, **context_options: Any) -> Any:
    """Run Playwright steps in their own thread (its sync API keeps an event loop in the calling
    thread; the test thread stays free for Django's database calls), in a fresh context."""
    from playwright.sync_api import sync_playwright

    def run() -> Any:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            try:
                return steps(browser.new_context(**context_options).new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


def _store_real_media(settings: Any, *, video: str, poster: str, seconds: int = 3, fps: int = 10) -> None:
    """An H.264/AAC MP4 and a JPEG poster, encoded the way generation encodes posts, at the post's names."""
    frames = np.zeros((seconds * fps, 128, 72, 3), dtype=np.uint8)
    for i in range(len(frames)):
        frames[i, :, :, 0] = (i * 9) % 255
        frames[i, 32:96, 16:56, 1] = 200
    audio = np.zeros((1, seconds * 16_000), dtype=np.float32)
    root = Path(settings.MEDIA_ROOT)
    for name, data in (
        (video, media.encode_mp4(frames, audio, sample_rate=16_000, fps=fps)),
        (poster, media.poster_jpeg(frames[0])),
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


@pytest.mark.django_db(transaction=True)
def test_share_page_video_plays(chromium, live_server, settings):  # noqa: F811
    """The share page's video loads its poster and plays: currentTime advances past zero."""
    post = publish(caption="A fox in the snow", visibility="public")
    post.refresh_from_db()
    username = post.author.username
    _store_real_media(settings, video=post.video, poster=post.poster)

    def watch(page: Any) -> dict[str, Any]:
        response = page.goto(f"{live_server.url}/p/{post.id}")
        assert response.status == 200
        page.wait_for_function(
            "() => document.querySelector('[data-testid=share-video]').readyState >= 2", timeout=20_000
        )
        page.eval_on_selector("[data-testid=share-video]", "v => { v.muted = true; return v.play(); }")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=share-video]').currentTime > 0.5", timeout=20_000
        )
        landmarks = {
            role: page.get_by_role(role).count() for role in ("banner", "main", "contentinfo", "article")
        }
        named = page.get_by_role("link", name=f"@{username}").count()
        return {"landmarks": landmarks, "creator_links": named} | page.eval_on_selector(
            "[data-testid=share-video]",
            "v => ({time: v.currentTime, duration: v.duration, error: v.error, src: v.currentSrc,"
            " title: document.title, label: document.querySelector('[data-testid=ai-label]').innerText})",
        )

    seen = in_browser(watch)
    assert seen["error"] is None
    assert seen["time"] > 0.5
    assert 2.5 < seen["duration"] < 3.5
    assert seen["src"].endswith(post.video)
    assert seen["title"] == "A fox in the snow · Sora Social"
    assert "AI-generated video." in seen["label"]
    assert seen["landmarks"] == {"banner": 1, "main": 1, "contentinfo": 1, "article": 1}
    assert seen["creator_links"] == 1


@pytest.mark.django_db(transaction=True)
def test_signup_through_an_invite_link_without_javascript(chromium, live_server):  # noqa: F811
    """With JavaScript off, a friend opens the invite link, fills the form and joins: the account
    exists under the inviter and the code is spent."""
    inviter = make_member(username="inviter")
    code = InviteCode.objects.filter(owner=inviter, state=InviteCode.State.AVAILABLE).first()

    def join(page: Any) -> dict[str, Any]:
        page.goto(f"{live_server.url}/i/{code.display}")
        inviter_text = page.inner_text("[data-testid=inviter]")
        page.get_by_label("Username").fill("friend")
        page.get_by_label("E-mail").fill("friend@example.test")
        page.get_by_label("Password").fill("a-long-pass-phrase-42")
        page.get_by_label("Date of birth").fill("1995-06-15")
        page.get_by_label("Country or region (two letters, e.g. US)").fill("US")
        with page.expect_navigation():
            page.get_by_role("button", name="Join Sora Social").click()
        return {"inviter": inviter_text, "heading": page.inner_text("h1")}

    seen = in_browser(join, java_script_enabled=False)
    assert seen["inviter"] == "inviter (@inviter) sent you an invite."
    assert seen["heading"] == "Welcome to Sora Social, @friend"
    friend = User.objects.get(username="friend")
    assert friend.inviter_id == inviter.pk
    code.refresh_from_db()
    assert code.state == InviteCode.State.REDEEMED
    assert code.redeemed_by_id == friend.pk
