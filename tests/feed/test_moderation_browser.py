"""A moderator removes a real post from the review queue in headless Chromium; the post is gone
from the API and from its author's profile (rule 4)."""

from __future__ import annotations

import pytest

from feed import services as feed_services
from moderation import services as moderation_services
from tests.accounts.factories import UserFactory
from tests.generation.factories import GenerationJobFactory
from tests.moderation.factories import SeasonedUserFactory
from tests.moderation.test_browser import (  # noqa: F401 - chromium and webm_name are fixtures
    chromium,
    in_browser,
    make_moderator,
    open_top_case,
    remove_open_case,
    wait_for_subject_video,
    webm_name,
)

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_moderator_removes_a_reported_post_and_it_is_gone(chromium, live_server, webm_name, client_for):  # noqa: F811
    """Report a published post, open its case, watch the video load, remove it: 404 for everyone."""
    make_moderator("mod-post", "mod-pass-456")
    author, viewer = UserFactory(), UserFactory()
    job = GenerationJobFactory(user=author, state="ready", video=webm_name, poster="")
    post = feed_services.post_publish(author=author, generation_id=job.id, caption="a reported clip")
    moderation_services.report_create(
        reporter=SeasonedUserFactory(), kind="post", object_id=post.id, reason="violence"
    )
    api = client_for(viewer)
    assert api.get(f"/api/v1/posts/{post.id}").status_code == 200

    def moderate(page):
        open_top_case(page, live_server.url, "mod-post", "mod-pass-456")
        wait_for_subject_video(page)
        return remove_open_case(page, "graphic violence")

    assert in_browser(moderate) == "resolved"
    assert api.get(f"/api/v1/posts/{post.id}").status_code == 404
    assert client_for(author).get(f"/api/v1/posts/{post.id}").status_code == 404
    listed = api.get(f"/api/v1/users/{author.id}/posts").json()["results"]
    assert str(post.id) not in {item["id"] for item in listed}
