"""A moderator removes a real post from the review queue in headless Chromium; the post is gone
from the API and from its author's profile (rule 4)."""

from __future__ import annotations

import pytest

from feed import services as feed_services
from moderation import services as moderation_services
from tests.accounts.factories import UserFactory
from tests.generation.factories import GenerationJobFactory
from tests.moderation.factories import SeasonedUserFactory, StaffFactory
from tests.moderation.test_browser import chromium, in_browser, webm_name  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_moderator_removes_a_reported_post_and_it_is_gone(chromium, live_server, webm_name, client_for):  # noqa: F811
    """Report a published post, open its case, watch the video load, remove it: 404 for everyone."""
    moderator = StaffFactory(is_superuser=True, username="mod-post")
    moderator.set_password("mod-pass-456")
    moderator.save()
    author, viewer = UserFactory(), UserFactory()
    job = GenerationJobFactory(user=author, state="ready", video=webm_name, poster="")
    post = feed_services.post_publish(author=author, generation_id=job.id, caption="a reported clip")
    moderation_services.report_create(
        reporter=SeasonedUserFactory(), kind="post", object_id=post.id, reason="violence"
    )
    api = client_for(viewer)
    assert api.get(f"/api/v1/posts/{post.id}").status_code == 200

    def moderate(page):
        page.goto(f"{live_server.url}/admin/login/?next=/admin/moderation/case/")
        page.fill("#id_username", "mod-post")
        page.fill("#id_password", "mod-pass-456")
        page.click("input[type=submit]")
        page.wait_for_selector("#result_list")
        page.click("#result_list tbody tr:first-child th a")
        page.wait_for_selector("[data-testid=case]")
        page.wait_for_function(
            "() => { const v = document.querySelector('[data-testid=subject-video]'); return v && v.readyState >= 2; }",
            timeout=15_000,
        )
        page.fill("[data-testid=reason]", "graphic violence")
        page.click("[data-testid=action-remove]")
        page.wait_for_selector("[data-testid=removed]")
        return page.inner_text("[data-testid=case-state]")

    assert in_browser(moderate) == "resolved"
    assert api.get(f"/api/v1/posts/{post.id}").status_code == 404
    assert client_for(author).get(f"/api/v1/posts/{post.id}").status_code == 404
    listed = api.get(f"/api/v1/users/{author.id}/posts").json()["results"]
    assert str(post.id) not in {item["id"] for item in listed}
