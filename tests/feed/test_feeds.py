"""For you and Following: materialised by workers, read without ranking, filtered, explained."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feed import ranking, services
from feed.models import Post
from feed.states import PostState
from feed.store import get_store
from sora_social.accounts.models import Block, Follow
from tests.accounts.factories import UserFactory
from tests.feed.factories import chain, for_you_first_pages, publish

pytestmark = pytest.mark.django_db


def _ids(body):
    return [item["id"] for item in body["results"]]


def test_for_you_reads_the_materialised_set_with_reasons(client_for):
    """After a refresh the feed serves the ranked set, each item with a reason; followed authors say so."""
    viewer, friend = UserFactory(), UserFactory()
    Follow.objects.create(follower=viewer, followee=friend)
    theirs = publish(friend)
    other = publish()
    assert services.for_you_refresh(user_id=viewer.id) == 2
    body = client_for(viewer).get("/api/v1/feed").json()
    assert set(_ids(body)) == {str(theirs.id), str(other.id)}
    reasons = {item["id"]: item["reason"] for item in body["results"]}
    assert reasons[str(theirs.id)] == f"From @{friend.username}, whom you follow"
    assert all(reasons.values())


def test_for_you_read_path_does_no_ranking(client_for, monkeypatch):
    """Reading the feed never calls the ranker, even when the member was never ranked."""
    publish()
    services.for_you_refresh(user_id=0)

    def boom(*a, **k):
        raise AssertionError("ranking on the read path")

    monkeypatch.setattr(ranking, "score", boom)
    monkeypatch.setattr(ranking, "mix", boom)
    monkeypatch.setattr("feed.services.serving.enqueue_on_commit", lambda *a, **kw: None)
    body = client_for(UserFactory()).get("/api/v1/feed").json()
    assert len(body["results"]) == 1  # the shared set


def test_remix_counts_drive_score_and_reason():
    """A post remixed twice today outranks a fresh one and says "Remixed 2 times today"."""
    root = publish()
    publish(remix_of=root)
    publish(remix_of=root)
    plain = publish()
    viewer = UserFactory()
    services.for_you_refresh(user_id=viewer.id)
    page = get_store().for_you_page(viewer.id, 0, 10)
    order = [pid for pid, _ in page.items]
    assert order.index(root.id) < order.index(plain.id)
    assert dict(page.items)[root.id] == "Remixed 2 times today"


def test_score_rewards_creation_per_view_not_watch_time():
    """Remixes per view weigh more than likes per view; the score has no watch-time input."""
    w = ranking.Weights.from_settings()
    now = timezone.now()
    base = {"post_id": 1, "author_id": 1, "author_username": "a", "created_at": now, "views": 100}
    remixed = ranking.Candidate(**base, remixes=10)
    liked = ranking.Candidate(**base, likes=10)
    assert (
        ranking.score(remixed, w, now)
        > ranking.score(liked, w, now)
        > ranking.score(ranking.Candidate(**base), w, now)
    )
    assert "watch" not in " ".join(ranking.Candidate.__dataclass_fields__)


def test_mix_spreads_authors_and_reserves_new_creators(settings):
    """One prolific author does not fill the top; every 5th slot goes to a new creator."""
    w = ranking.Weights.from_settings()
    now = timezone.now()
    heavy = [ranking.Candidate(i, 1, "a", now, score=10 - i * 0.01) for i in range(10)]
    others = [ranking.Candidate(100 + i, 2 + i, "b", now, score=6) for i in range(4)]
    newbie = [ranking.Candidate(200, 99, "n", now, score=0.1, new_creator=True)]
    out = ranking.mix(heavy + others + newbie, w, 10)
    assert len({c.author_id for c in out[:5]}) >= 4
    assert out[4].post_id == 200


def test_filters_blocks_removed_private_and_consent():
    """Blocked authors, removed and private posts never enter a member's For you set."""
    viewer, blocked = UserFactory(), UserFactory()
    ok = publish()
    hidden_by_block = publish(blocked)
    Block.objects.create(blocker=blocked, blocked=viewer)
    removed = publish()
    services.posts_remove(post_ids=[removed.id], to=PostState.REMOVED_BY_MODERATION)
    private = publish(visibility="private")
    services.for_you_refresh(user_id=viewer.id)
    ids = {pid for pid, _ in get_store().for_you_page(viewer.id, 0, 50).items}
    assert ok.id in ids
    assert not ids & {hidden_by_block.id, removed.id, private.id}


def test_removed_after_ranking_is_filtered_on_read(client_for):
    """A post removed after the ranking is dropped at read time (the read re-checks state)."""
    viewer = UserFactory()
    post = publish()
    services.for_you_refresh(user_id=viewer.id)
    services.posts_remove(post_ids=[post.id], to=PostState.REMOVED_BY_MODERATION)
    assert client_for(viewer).get("/api/v1/feed").json()["results"] == []


def test_remixes_of_your_posts_are_a_source():
    """A remix of the viewer's post is a candidate with its reason."""
    viewer = UserFactory()
    mine = publish(viewer)
    remix = publish(remix_of=mine)
    services.for_you_refresh(user_id=viewer.id)
    page = dict(get_store().for_you_page(viewer.id, 0, 50).items)
    assert page[remix.id] == "A remix in a thread you are part of"
    assert mine.id not in page


def test_for_you_constant_queries_for_1_and_50_items(client_for):
    """The For you page costs the same number of queries for 1 and for 50 items."""
    counts = []
    for n in (1, 50):
        viewer = UserFactory()
        Post.objects.all().update(state=PostState.REMOVED_BY_AUTHOR)
        for _ in range(n):
            publish()
        services.for_you_refresh(user_id=viewer.id)
        client = client_for(viewer)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/feed", {"limit": 50}).json()
        assert len(body["results"]) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_following_fanout_and_fallback(client_for):
    """Following shows followed authors newest first: from fanned-out lists, or the query when none."""
    viewer, a, b = UserFactory(), UserFactory(), UserFactory()
    old = publish(a)  # before following: only the fallback query finds it
    Follow.objects.create(follower=viewer, followee=a)
    Follow.objects.create(follower=viewer, followee=b)
    body = client_for(viewer).get("/api/v1/feed", {"kind": "following"}).json()
    assert _ids(body) == [str(old.id)]
    new = publish(b)
    assert services.following_fanout(post_id=new.id) == 1
    body = client_for(viewer).get("/api/v1/feed", {"kind": "following"}).json()
    assert _ids(body) == [str(new.id), str(old.id)]  # list first, then the query past it
    assert body["results"][0]["reason"] == f"From @{b.username}, whom you follow"


def test_following_list_is_capped(settings):
    """The fanned-out list keeps only the newest FEED_FOLLOWING_CAP posts."""
    settings.FEED_FOLLOWING_CAP = 3
    store = get_store()
    for pid in range(1, 8):
        store.following_push([42], pid)
    assert store.following_page(42, None, 10) == [7, 6, 5]


def test_following_constant_queries(client_for):
    """The Following page costs the same for 1 and 50 items."""
    counts = []
    for n in (1, 50):
        viewer, author = UserFactory(), UserFactory()
        Follow.objects.create(follower=viewer, followee=author)
        for _ in range(n):
            services.following_fanout(post_id=publish(author).id)
        with CaptureQueriesContext(connection) as ctx:
            body = client_for(viewer).get("/api/v1/feed", {"kind": "following", "limit": 100}).json()
        assert len(body["results"]) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.redis
def test_redis_store_round_trip(redis_store, client_for):
    """With Redis configured, For you and Following live in sorted sets and read the same."""
    viewer, author = UserFactory(), UserFactory()
    Follow.objects.create(follower=viewer, followee=author)
    post = publish(author)
    services.following_fanout(post_id=post.id)
    services.for_you_refresh(user_id=viewer.id)
    import redis

    r = redis.Redis.from_url(redis_store)
    assert r.zcard(f"feed:fy:{viewer.id}") == 1
    assert r.zcard(f"feed:fl:{viewer.id}") == 1
    assert _ids(client_for(viewer).get("/api/v1/feed").json()) == [str(post.id)]
    assert _ids(client_for(viewer).get("/api/v1/feed", {"kind": "following"}).json()) == [str(post.id)]


@pytest.mark.django_db(transaction=True)
def test_refresh_runs_as_a_feed_task(inprocess_worker, client_for):
    """A never-ranked member's read requests a refresh; the feed worker ranks them."""
    import time

    viewer = UserFactory()
    post = publish()
    client_for(viewer).get("/api/v1/feed")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and get_store().for_you_page(viewer.id, 0, 5) is None:
        time.sleep(0.2)
    page = get_store().for_you_page(viewer.id, 0, 5)
    assert page is not None
    assert [pid for pid, _ in page.items] == [post.id]


def test_pagination_of_for_you(client_for):
    """The For you cursor walks the ranked set without repeats."""
    viewer = UserFactory()
    first, second = for_you_first_pages(client_for(viewer), viewer, posts=5, limit=3)
    assert len(first["results"]) == 3
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert not set(_ids(first)) & set(_ids(second))


def test_bad_kind_and_cursor_are_400(client_for):
    """Unknown feed kinds and malformed cursors answer 400."""
    client = client_for(UserFactory())
    assert client.get("/api/v1/feed", {"kind": "nope"}).status_code == 400
    assert client.get("/api/v1/feed", {"cursor": "!!"}).status_code == 400


def test_chain_fixture_keeps_depth(client_for):
    """A sanity check of the factory the lineage tests use: depth grows one per remix."""
    assert [p.depth for p in chain(3)] == [0, 1, 2]
    assert dt.date.today()


@pytest.mark.parametrize("kind", ["", "trending"])
def test_unknown_or_empty_feed_kind_is_400(client_for, kind):
    """The schema allows for_you or following: anything else, an empty value too, is a clear 400."""
    response = client_for(UserFactory()).get(f"/api/v1/feed?kind={kind}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_feed_kind"
