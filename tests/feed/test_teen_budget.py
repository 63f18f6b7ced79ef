"""A teen's daily feed budget holds on every feed-like listing, not only /feed."""

from __future__ import annotations

import datetime as dt

import pytest

from feed.models import FeedBudget
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db


def _teen(budget):
    from sora_social.accounts.models import TeenSettings

    today = dt.date.today()
    teen = UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15))
    TeenSettings.objects.create(teen=teen, daily_feed_budget=budget)
    return teen


def test_profile_remixes_and_lineage_spend_the_same_daily_budget(client_for):
    """Profile pages, remixes and lineage draw on one budget; past it, empty pages with budget_exhausted."""
    author = UserFactory()
    root = publish(author)
    for _ in range(2):
        publish(author)
    remixes = [publish(remix_of=root) for _ in range(2)]
    deep = publish(remix_of=remixes[0])
    teen = _teen(5)
    client = client_for(teen)

    profile = client.get(f"/api/v1/users/{author.id}/posts", {"limit": 2}).json()
    assert (len(profile["results"]), profile["budget_exhausted"]) == (2, False)
    remix_page = client.get(f"/api/v1/posts/{root.id}/remixes", {"limit": 2}).json()
    assert (len(remix_page["results"]), remix_page["budget_exhausted"]) == (2, False)
    lineage = client.get(f"/api/v1/posts/{deep.id}/lineage").json()
    assert (len(lineage["results"]), lineage["budget_exhausted"]) == (1, False)
    assert FeedBudget.objects.get(user=teen).served == 5
    for url in (f"/api/v1/users/{author.id}/posts", f"/api/v1/posts/{root.id}/remixes"):
        page = client.get(url).json()
        assert page["results"] == []
        assert page["budget_exhausted"] is True
        assert page["next"] is None
    assert client.get(f"/api/v1/posts/{deep.id}/lineage").json()["results"] == []
    adult_page = client_for(UserFactory()).get(f"/api/v1/users/{author.id}/posts").json()
    assert len(adult_page["results"]) == 3
    assert "budget_exhausted" not in adult_page
