"""Reports answer 404 for objects the reporter may not see, so ids do not leak (rule 8)."""

from __future__ import annotations

import pytest

from moderation.models import Case
from sora_social.accounts.services import block_create
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish, ready_job
from tests.moderation.factories import SeasonedUserFactory

pytestmark = pytest.mark.django_db


def _report(client, kind, object_id):
    return client.post(
        "/api/v1/reports", {"target_kind": kind, "target_id": str(object_id), "reason": "spam"}, format="json"
    )


def test_reports_on_what_the_reporter_may_not_see_are_404_and_change_nothing(client_for):
    """Another member's draft, private or followers-only post, removed post, blocked member and their
    post and comment: all 404 with no case; the same kinds the reporter may see are 201."""
    from feed import services as feed_services

    owner, reporter = UserFactory(), SeasonedUserFactory()
    client = client_for(reporter)
    draft = ready_job(owner)
    private = publish(owner, visibility="private")
    followers = publish(owner, visibility="followers")
    removed = publish(owner)
    feed_services.post_delete(author=owner, post_id=removed.id)
    hidden = [("generation", draft.id), ("post", private.id), ("post", followers.id), ("post", removed.id)]
    for kind, object_id in hidden:
        response = _report(client, kind, object_id)
        assert response.status_code == 404, (kind, response.content)
        assert response.json()["error"]["code"] in ("not_found", "post_not_found")

    public = publish(owner)
    comment = feed_services.comment_create(user=owner, post_id=public.id, text="hello")
    blocker = UserFactory()
    blocked_post = publish(blocker)
    blocked_comment = feed_services.comment_create(user=blocker, post_id=public.id, text="hi")
    block_create(actor=blocker, target=reporter)
    for kind, object_id in [
        ("user", blocker.id),
        ("post", blocked_post.id),
        ("comment", blocked_comment.id),
    ]:
        assert _report(client, kind, object_id).status_code == 404, kind
    assert Case.objects.count() == 0

    for kind, object_id in [("post", public.id), ("comment", comment.id), ("user", owner.id)]:
        assert _report(client, kind, object_id).status_code == 201, kind
    assert _report(client_for(owner), "generation", draft.id).status_code == 201
