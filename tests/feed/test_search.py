"""Post counts, hashtags and search: posts by caption and by meaning, topics, members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feed import services
from feed.models import Hashtag, Post, SearchQueryVector
from feed.states import PostState
from sora_social.accounts import services as account_services
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db


def _teen(**kw):
    today = dt.date.today()
    return UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15), **kw)


def _posts(user):
    user.refresh_from_db()
    return user.post_count


def _tag(name):
    return Hashtag.objects.get(name=name).post_count


def _search(client, q, kind, **extra):
    params = {"q": q, "type": kind, **extra}
    response = client.get("/api/v1/search", params)
    assert response.status_code == 200, response.content
    return response.json()


# --- counters ---------------------------------------------------------------------------


def test_post_count_follows_every_move_in_and_out_of_the_published_set():
    """Publish +1, private drafts never count; delete, moderation removal, hide -1; restore, unhide +1."""
    author = UserFactory()
    post = publish(author, caption="first #Cats")
    publish(author, visibility="private")
    followers_only = publish(author, visibility="followers", caption="#cats too")
    assert _posts(author) == 2
    assert (_tag("cats"), Hashtag.objects.filter(name="Cats").exists()) == (1, False)
    services.posts_remove(post_ids=[post.id], to=PostState.REMOVED_BY_MODERATION)
    assert (_posts(author), _tag("cats")) == (1, 0)
    services.post_restore(post_id=post.id)
    assert (_posts(author), _tag("cats")) == (2, 1)
    services.post_hide(post_id=post.id)
    assert _posts(author) == 1
    services.post_unhide(post_id=post.id)
    assert _posts(author) == 2
    services.post_delete(author=author, post_id=post.id)
    services.post_delete(author=author, post_id=followers_only.id)
    assert (_posts(author), _tag("cats")) == (0, 0)


def test_remix_hidden_by_a_parent_removal_leaves_its_authors_count():
    """A moderation removal hides published remixes: their authors' counts drop too, and come back."""
    root = publish(caption="#space root")
    remixer = UserFactory()
    publish(remixer, remix_of=root, caption="#space remix")
    assert (_posts(remixer), _tag("space")) == (1, 2)
    services.posts_remove(post_ids=[root.id], to=PostState.REMOVED_BY_MODERATION)
    assert (_posts(remixer), _tag("space")) == (0, 0)
    services.post_restore(post_id=root.id)
    assert (_posts(remixer), _tag("space")) == (1, 2)


def test_account_deletion_zeroes_the_post_count():
    """Deleting an account removes its posts and their counts."""
    author = UserFactory()
    publish(author, caption="#bye")
    account_services.account_delete(user=author, actor=author, reason="self")
    assert (_posts(author), _tag("bye")) == (0, 0)


# --- posts ------------------------------------------------------------------------------


def test_posts_by_caption_respect_visibility_blocks_removal_and_teens(client_for):
    """Full-text finds published posts the viewer may see: not removed, not a blocked author's,
    not followers-only to others, and no mature post for a teen."""
    me, blocker = UserFactory(), UserFactory()
    seen = publish(caption="A penguin surfing at dawn")
    removed = publish(caption="penguin removed")
    hidden_author = publish(blocker, caption="penguin from a blocker")
    only_followers = publish(caption="penguin for followers", visibility="followers")
    mature = publish(caption="penguin mature")
    Post.objects.filter(pk=mature.pk).update(rating="mature")
    services.post_delete(author=removed.author, post_id=removed.id)
    account_services.block_create(actor=blocker, target=me)
    ids = [r["id"] for r in _search(client_for(me), "penguin", "posts")["results"]]
    assert str(seen.id) in ids
    assert str(mature.id) in ids
    for hidden in (removed, hidden_author, only_followers):
        assert str(hidden.id) not in ids
    teen_ids = [r["id"] for r in _search(client_for(_teen()), "penguin", "posts")["results"]]
    assert str(mature.id) not in teen_ids
    assert str(seen.id) in teen_ids


def test_posts_search_ranks_better_matches_first_and_pages(client_for):
    """More of the query's words rank higher; pages of one walk every match once."""
    weak = publish(caption="a red car")
    strong = publish(caption="red car racing red car")
    client = client_for(UserFactory())
    body = _search(client, "red car racing", "posts")
    assert [r["id"] for r in body["results"]][:1] == [str(strong.id)]
    seen, cursor = [], None
    while True:
        page = _search(client, "red car", "posts", limit=1, **({"cursor": cursor} if cursor else {}))
        seen += [r["id"] for r in page["results"]]
        cursor = page["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted([str(weak.id), str(strong.id)])


def test_posts_by_meaning_once_the_query_is_embedded(client_for):
    """A query sharing no word with a caption finds it through the post embeddings once a worker
    has embedded the query (the first search asks for it)."""
    post = publish(caption="a kitten chasing yarn", prompt="a small cat playing")
    other = publish(caption="stock market report", prompt="numbers on a screen")
    for p in (post, other):
        assert services.post_embed(post_id=p.id)
    client = client_for(UserFactory())
    assert _search(client, "cute feline", "posts")["results"] == []
    assert SearchQueryVector.objects.filter(text="cute feline", embedding__isnull=True).exists()
    assert services.search_query_embed(text="cute feline")
    ids = [r["id"] for r in _search(client, "Cute  Feline", "posts")["results"]]
    assert ids[:1] == [str(post.id)]
    assert str(other.id) not in ids


def test_posts_search_costs_constant_queries(client_for):
    """A page of post results costs the same queries for 2 matches as for 12."""
    client = client_for(UserFactory())
    for i in range(2):
        publish(caption=f"volcano {i}")
    _search(client, "volcano", "posts")  # the query's vector row exists from here on

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _search(client, "volcano", "posts")
        return len(ctx.captured_queries)

    small = queries()
    for i in range(10):
        publish(caption=f"volcano again {i}")
    assert queries() == small


# --- topics -----------------------------------------------------------------------------


def test_topics_are_hashtags_with_public_post_counts_and_forgive_typos(client_for):
    """Topics: hashtags with their published public post counts, found by prefix or with a typo."""
    for _ in range(3):
        publish(caption="#skateboarding tricks")
    publish(caption="#skate park")
    publish(caption="#skateboarding secret", visibility="private")
    client = client_for(UserFactory())
    body = _search(client, "#skateboardnig", "topics")
    assert body["results"][0] == {"name": "skateboarding", "post_count": 3}
    names = [r["name"] for r in _search(client, "skate", "topics")["results"]]
    assert set(names) == {"skate", "skateboarding"}


# --- members ----------------------------------------------------------------------------


def test_members_by_name_with_typos_and_by_bio(client_for):
    """Members are found by a misspelt username, a display name and a word of the bio."""
    alice = UserFactory(username="alicewonder", display_name="Alice Liddell", bio="I paint rabbits")
    UserFactory(username="bob")
    client = client_for(UserFactory())
    for q in ("alcewonder", "Liddell", "rabbits"):
        ids = [r["id"] for r in _search(client, q, "users")["results"]]
        assert ids[:1] == [str(alice.id)], q


def test_member_search_hides_blocked_inactive_and_teens_from_adults(client_for):
    """Blocked (either way) and suspended members never appear; adults do not find teens who do
    not follow them; teens find each other."""
    me = UserFactory()
    blocked = UserFactory(username="zebrablocked")
    suspended = UserFactory(username="zebrasuspended", is_active=False)
    teen = _teen(username="zebrateen")
    teen_fan = _teen(username="zebrafan")
    visible = UserFactory(username="zebraplain")
    account_services.follow_create(actor=teen_fan, target=me)
    account_services.block_create(actor=me, target=blocked)
    ids = {r["id"] for r in _search(client_for(me), "zebra", "users")["results"]}
    assert ids == {str(visible.id), str(teen_fan.id)}
    assert str(suspended.id) not in ids
    teen_ids = {r["id"] for r in _search(client_for(_teen()), "zebra", "users")["results"]}
    assert {str(teen.id), str(teen_fan.id)} <= teen_ids


def test_member_search_costs_constant_queries(client_for):
    """A page of member results costs the same queries for 2 matches as for 12."""
    client = client_for(UserFactory())
    for i in range(2):
        UserFactory(username=f"quokka{i}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _search(client, "quokka", "users")
        return len(ctx.captured_queries)

    small = queries()
    for i in range(10):
        UserFactory(username=f"quokka{i + 2}")
    assert queries() == small


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": ""}, "invalid_query"),
        ({"q": "   "}, "invalid_query"),
        ({"q": "#"}, "invalid_query"),
        ({"q": "x" * 101}, "invalid_query"),
        ({"q": "cats", "type": "videos"}, "invalid_search_type"),
        ({"q": "cats", "type": ""}, "invalid_search_type"),
        ({"q": "cats", "limit": "0"}, "invalid_limit"),
        ({"q": "cats", "cursor": "forged"}, "invalid_cursor"),
    ],
)
def test_bad_search_is_400(client_for, params, code):
    """Empty, blank or over-long queries, unknown types, bad limits and forged cursors are 400."""
    response = client_for(UserFactory()).get("/api/v1/search", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_old_query_vectors_are_pruned():
    """Query vectors older than the keep window are dropped by the daily prune; recent ones stay."""
    import datetime as dt_

    from django.utils import timezone

    services.search_vector(q="old words")
    services.search_vector(q="new words")
    SearchQueryVector.objects.filter(text="old words").update(
        created_at=timezone.now() - dt_.timedelta(days=31)
    )
    assert services.search_vectors_prune() == 1
    assert list(SearchQueryVector.objects.values_list("text", flat=True)) == ["new words"]


def test_me_shows_my_stored_counts(client_for):
    """`GET /me` carries my avatar URL (none yet) and my stored counts."""
    me, fan = UserFactory(), UserFactory()
    account_services.follow_create(actor=fan, target=me)
    publish(me, caption="#hello")
    body = client_for(me).get("/api/v1/me").json()
    assert body["counts"] == {"followers": 1, "following": 0, "posts": 1}
    assert body["avatar_url"] is None
