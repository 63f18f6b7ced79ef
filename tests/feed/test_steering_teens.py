"""Steering (more/less, free-text preferences with the bundled sentence model) and teen limits."""

from __future__ import annotations

import datetime as dt

import pytest

from feed import services
from feed.embedding import split_preference
from feed.models import AuthorWeight, FeedBudget, FeedPreference, Post, TopicWeight
from feed.store import get_store
from tests.accounts.factories import UserFactory
from tests.feed.factories import for_you_first_pages, publish

pytestmark = pytest.mark.django_db


def _teen(**controls):
    from sora_social.accounts.models import TeenSettings

    teen = UserFactory(is_teen=True, birthdate=dt.date.today().replace(year=dt.date.today().year - 15))
    if controls:
        TeenSettings.objects.create(teen=teen, **{"daily_feed_budget": 60, **controls})
    return teen


def test_more_and_less_move_author_and_topic_weights(client_for, settings):
    """more/less moves this viewer's weight of the author and of the topic, within the limit."""
    settings.FEED_STEER_LIMIT = 2.0
    viewer = UserFactory()
    post = publish(style="Sports")
    client = client_for(viewer)
    for _ in range(3):
        res = client.post("/api/v1/feed/feedback", {"post_id": str(post.id), "signal": "less"}, format="json")
        assert res.status_code == 200
    assert AuthorWeight.objects.get(user=viewer, author=post.author).weight == -2.0
    assert TopicWeight.objects.get(user=viewer, topic="sports").weight == -2.0
    client.post("/api/v1/feed/feedback", {"post_id": str(post.id), "signal": "more"}, format="json")
    assert TopicWeight.objects.get(user=viewer, topic="sports").weight == -1.0
    bad = client.post("/api/v1/feed/feedback", {"post_id": str(post.id), "signal": "meh"}, format="json")
    assert bad.status_code == 400


def test_less_pushes_a_topic_down_the_ranking():
    """After "less" on a topic, that topic's posts rank below an otherwise equal post."""
    viewer = UserFactory()
    sports = publish(style="sports")
    art = publish(style="animation")
    services.feedback_record(user=viewer, post_id=sports.id, signal="less")
    services.for_you_refresh(user_id=viewer.id)
    order = [pid for pid, _ in get_store().for_you_page(viewer.id, 0, 10).items]
    assert order.index(art.id) < order.index(sports.id)


def test_preference_text_splits_into_more_and_less():
    """ "more animation, less sports" becomes more=[animation], less=[sports]."""
    assert split_preference("more animation, less sports") == (["animation"], ["sports"])
    assert split_preference("cats and no horror") == (["cats"], ["horror"])


def test_free_text_preference_is_embedded_and_matched(client_for):
    """A free-text preference, embedded by the bundled model, ranks matching posts first and says why."""
    viewer = UserFactory()
    cartoon = publish(style="animation", prompt="a cartoon cat dancing, hand-drawn animation")
    football = publish(style="sports", prompt="a football match in the rain, stadium crowd")
    for post in (cartoon, football):
        assert services.post_embed(post_id=post.id)
    res = client_for(viewer).put(
        "/api/v1/feed/preferences", {"text": "more animation, less sports"}, format="json"
    )
    assert res.status_code == 200
    assert services.preference_embed(user_id=viewer.id)
    pref = FeedPreference.objects.get(user=viewer)
    assert pref.more is not None
    assert pref.less is not None
    services.for_you_refresh(user_id=viewer.id)
    page = get_store().for_you_page(viewer.id, 0, 10)
    order = [pid for pid, _ in page.items]
    assert order.index(cartoon.id) < order.index(football.id)
    assert dict(page.items)[cartoon.id] == "Matches what you asked to see more of"


def test_teen_budget_enforced_then_budget_exhausted(client_for):
    """A teen gets at most the daily budget of items; past it an empty page with budget_exhausted."""
    teen = _teen(daily_feed_budget=3)
    client = client_for(teen)
    first, second = for_you_first_pages(client, teen, posts=5, limit=2)
    third = client.get("/api/v1/feed", {"limit": 2}).json()
    assert (len(first["results"]), len(second["results"])) == (2, 1)
    assert first["budget_exhausted"] is False
    assert third == {"results": [], "next": None, "budget_exhausted": True}
    assert FeedBudget.objects.get(user=teen).served == 3


def test_teen_budget_counts_only_items_served(client_for):
    """Reserved items a page did not fill are given back."""
    teen = _teen(daily_feed_budget=10)
    publish()
    services.for_you_refresh(user_id=teen.id)
    client_for(teen).get("/api/v1/feed", {"limit": 5})
    assert FeedBudget.objects.get(user=teen).served == 1


@pytest.mark.django_db(transaction=True)
def test_teen_budget_holds_under_concurrent_pages():
    """Ten concurrent page requests never serve past the budget."""
    from tests.concurrency import run_at_once

    teen = _teen(daily_feed_budget=7)
    granted = []

    def go(_):
        granted.append(services.feed_budget_reserve(user_id=teen.id, want=2, budget=7))

    run_at_once(go, 10)
    assert sum(granted) == 7


def test_mature_posts_never_reach_teens(client_for):
    """Mature-rated posts are 404 to teens and absent from their feed; adults see them."""
    mature = publish(checks={"output": {"rating": "mature"}})
    assert mature.rating == "mature"
    teen, adult = _teen(), UserFactory()
    assert client_for(teen).get(f"/api/v1/posts/{mature.id}").status_code == 404
    assert client_for(adult).get(f"/api/v1/posts/{mature.id}").status_code == 200
    services.for_you_refresh(user_id=teen.id)
    services.for_you_refresh(user_id=0)
    assert get_store().for_you_page(teen.id, 0, 10).items == []
    assert get_store().for_you_page(0, 0, 10).items == []


def test_personalisation_off_serves_the_shared_set(client_for):
    """With personalisation turned off by a parent, a teen gets the shared set, not their own ranking."""
    teen = _teen(personalization_enabled=False)
    friend = UserFactory()
    from sora_social.accounts.models import Follow

    Follow.objects.create(follower=teen, followee=friend)
    followed_post = publish(friend)
    services.for_you_refresh(user_id=0)
    services.for_you_refresh(user_id=teen.id)
    body = client_for(teen).get("/api/v1/feed").json()
    reasons = {item["id"]: item["reason"] for item in body["results"]}
    assert reasons[str(followed_post.id)] != f"From @{friend.username}, whom you follow"
    # ...and the ranking of a teen without personalisation uses no follow signal.
    own = dict(get_store().for_you_page(teen.id, 0, 10).items)
    assert "whom you follow" not in own.get(followed_post.id, "")
    assert Post.objects.count() == 1
