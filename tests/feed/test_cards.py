"""Post cards: the hand-written visibility SQL says what `visible_q` says, a page is one prepared
statement, and the card carries the remix label, cameo credits and the viewer's like."""

from __future__ import annotations

import datetime as dt
import itertools

import orjson
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cameos import services as cameo_services
from feed import cards, services
from feed.models import Like, Post, PostAudience
from feed.selectors import visible_q
from feed.states import PostState, Rating, Visibility
from sora_social.accounts.models import Block, Follow
from sora_social.accounts.selectors import blocked_either_way
from sora_social.accounts.viewer import Viewer
from sora_social.common.renderers import dumps
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db


def _world():
    """A viewer and posts by every kind of author, in every visibility, state and rating."""
    viewer = UserFactory()
    followed, stranger, blocked, blocker, inactive = (UserFactory() for _ in range(5))
    Follow.objects.create(follower=viewer, followee=followed)
    Follow.objects.create(follower=viewer, followee=inactive)
    Block.objects.create(blocker=viewer, blocked=blocked)
    Block.objects.create(blocker=blocker, blocked=viewer)
    audience = UserFactory()  # chosen posts name someone else, and the viewer in half of them
    authors = [viewer, followed, stranger, blocked, blocker, inactive]
    states = itertools.cycle(PostState.values)
    ratings = itertools.cycle(Rating.values)
    posts, n = [], 0
    for author, visibility in itertools.product(authors, Visibility.values):
        for copy in range(len(PostState.values) + 1):
            chosen = visibility == Visibility.CHOSEN
            post = publish(author, visibility=visibility, audience=[str(audience.id)] if chosen else None)
            if chosen and n % 2 == 0:
                PostAudience.objects.create(post=post, user=viewer)
            if copy:  # the first stays published; the copies go through every state and rating
                Post.objects.filter(pk=post.pk).update(state=next(states), rating=next(ratings))
            posts.append(post)
            n += 1
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return viewer, posts


def _sql_ids(viewer: Viewer, *, own: bool) -> set[int]:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT p.id FROM feed_post p JOIN accounts_user a ON a.id = p.author_id WHERE {cards.visible_sql(own=own)}",  # noqa: S608
            {"viewer": viewer.id, "teen": viewer.is_teen},
        )
        return {r[0] for r in cur.fetchall()}


def test_visible_sql_matches_visible_q_over_every_combination():
    """For adults and teens, with and without own posts: the SQL and the Q select the same posts."""
    viewer, posts = _world()
    assert Post.objects.count() == len(posts) == 6 * len(Visibility.values) * (len(PostState.values) + 1)
    assert {Post.objects.get(pk=p.pk).state for p in posts} == set(PostState.values)
    for teen, own in itertools.product((False, True), (False, True)):
        v = Viewer(id=viewer.id, is_teen=teen)
        expected = set(Post.objects.filter(visible_q(v, own=own)).values_list("id", flat=True))
        assert expected, (teen, own)
        assert _sql_ids(v, own=own) == expected, (teen, own)


def test_a_page_of_cards_is_one_query_in_the_order_given():
    viewer = UserFactory()
    posts = [publish() for _ in range(5)]
    hidden = publish(visibility=Visibility.PRIVATE)
    wanted = [posts[3].id, hidden.id, posts[0].id, posts[4].id]
    with CaptureQueriesContext(connection) as ctx:
        got = cards.cards_by_ids(viewer_id=viewer.id, teen=False, ids=wanted, reasons={posts[0].id: "why"})
    assert len(ctx.captured_queries) == 1
    assert [c["id"] for c in got] == [str(posts[3].id), str(posts[0].id), str(posts[4].id)]
    assert [c["reason"] for c in got] == ["", "why", ""]


def test_card_carries_label_credits_counts_and_like():
    """Remix label from the parent's author, cameo credits in cast order, counters and the viewer's like."""
    owner_a, owner_b, author, viewer = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    cameo_a, cameo_b = CameoFactory(owner=owner_a), CameoFactory(owner=owner_b)
    for cameo in (cameo_a, cameo_b):
        cameo_services.cameo_grant(cameo=cameo, user_id=author.id)
    parent = publish(owner_a)
    post = publish(author, remix_of=parent, cameo_ids=[cameo_b.id, cameo_a.id])
    services.like_add(user=viewer, post_id=post.id)
    [card] = cards.cards_by_ids(viewer_id=viewer.id, teen=False, ids=[post.id])
    assert card["remix_of"] == {
        "post_id": str(parent.id),
        "author": {"id": str(owner_a.id), "username": owner_a.username},
        "label": f"Remix of @{owner_a.username}",
    }
    assert card["cameos"] == [
        {"id": str(cameo_b.id), "owner_id": str(owner_b.id), "owner": owner_b.username},
        {"id": str(cameo_a.id), "owner_id": str(owner_a.id), "owner": owner_a.username},
    ]
    assert card["liked"] is True
    assert card["counts"]["likes"] == 1
    assert card["video_url"].endswith(".mp4")
    [theirs] = cards.cards_by_ids(viewer_id=owner_b.id, teen=False, ids=[post.id])
    assert theirs["liked"] is False
    # The parent removed: the label still credits its author, without a link.
    Post.objects.filter(pk=parent.pk).update(state=PostState.REMOVED_BY_AUTHOR)
    [card] = cards.cards_by_ids(viewer_id=viewer.id, teen=False, ids=[post.id])
    assert card["remix_of"]["post_id"] is None
    assert card["remix_of"]["label"] == f"Remix of @{owner_a.username}"
    assert not Like.objects.filter(user=owner_b).exists()


def test_blocked_members_see_no_usernames_on_cards():
    """Blocked either way: the remix label names nobody and links nowhere, and the blocked member's
    cameo credit is left out; everyone else still sees both."""
    parent_author, cameo_owner, other_owner, author, viewer = (UserFactory() for _ in range(5))
    cameo, other = CameoFactory(owner=cameo_owner), CameoFactory(owner=other_owner)
    for c in (cameo, other):
        cameo_services.cameo_grant(cameo=c, user_id=author.id)
    parent = publish(parent_author)
    post = publish(author, remix_of=parent, cameo_ids=[cameo.id, other.id])
    Block.objects.create(blocker=parent_author, blocked=viewer)
    Block.objects.create(blocker=viewer, blocked=cameo_owner)
    [card] = cards.cards_by_ids(viewer_id=viewer.id, teen=False, ids=[post.id])
    assert card["remix_of"] == {"post_id": None, "author": None, "label": "Remix"}
    assert card["cameos"] == [
        {"id": str(other.id), "owner_id": str(other_owner.id), "owner": other_owner.username}
    ]
    assert parent_author.username not in orjson.dumps(card).decode()
    assert cameo_owner.username not in orjson.dumps(card).decode()
    [seen] = cards.cards_by_ids(viewer_id=UserFactory().id, teen=False, ids=[post.id])
    assert seen["remix_of"]["label"] == f"Remix of @{parent_author.username}"
    assert len(seen["cameos"]) == 2


def test_a_remix_links_its_parent_only_for_viewers_who_may_see_it():
    """A followers-only parent: its followers get the parent's id on the remix's card, others only the
    author's name (the id of a post they may not see is not on the card)."""
    author, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    Follow.objects.create(follower=follower, followee=author)
    parent = publish(author, visibility="followers")
    Follow.objects.create(follower=UserFactory(), followee=author)
    remix = publish(follower, remix_of=parent)
    [seen] = cards.cards_by_ids(viewer_id=follower.id, teen=False, ids=[remix.id])
    [unseen] = cards.cards_by_ids(viewer_id=stranger.id, teen=False, ids=[remix.id])
    assert seen["remix_of"]["post_id"] == str(parent.id)
    assert unseen["remix_of"]["post_id"] is None
    assert unseen["remix_of"]["label"] == f"Remix of @{author.username}"


def _prepared_statements() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        return [r[0] for r in cur.fetchall()]


def test_feed_page_runs_prepared_statements(client_for, settings):
    """The card and member statements are prepared on the connection, and not when turned off."""
    viewer = UserFactory()
    publish()
    services.for_you_refresh(user_id=viewer.id)
    client = client_for(viewer)
    with connection.cursor() as cur:
        cur.execute("DEALLOCATE ALL")
    connection.connection._prepared.clear()
    settings.DB_PREPARED_STATEMENTS = False
    assert client.get("/api/v1/feed").status_code == 200
    assert not any("WITH ORDINALITY" in s for s in _prepared_statements())
    settings.DB_PREPARED_STATEMENTS = True
    assert len(client.get("/api/v1/feed").json()["results"]) == 1
    statements = _prepared_statements()
    assert any("WITH ORDINALITY w(id, n)" in s for s in statements), statements
    assert any('FROM "accounts_user" WHERE id = $1' in s for s in statements), statements


def _expected(post: Post, *, liked: bool, viewer_id: int | None = None) -> dict:
    """The API card of a post as rendered, built from the ORM and the storage."""
    post.refresh_from_db()
    parent = Post.objects.select_related("author").filter(pk=post.parent_id).first()
    if parent and viewer_id and blocked_either_way(a_id=viewer_id, b_id=parent.author_id):
        parent = None  # a blocked member's name and post are not on the viewer's cards
    at = post.created_at.astimezone(dt.UTC)
    remix_of = None
    if post.parent_id:
        linked = parent and Post.objects.filter(visible_q(Viewer(id=viewer_id or 0)), pk=parent.id).exists()
        remix_of = {
            "post_id": str(parent.id) if linked else None,
            "author": {"id": str(parent.author_id), "username": parent.author.username} if parent else None,
            "label": f"Remix of @{parent.author.username}" if parent else "Remix",
        }
    return {
        "id": str(post.id),
        "author": {
            "id": str(post.author_id),
            "username": post.author.username,
            "display_name": post.author.display_name,
        },
        "caption": post.caption,
        "topic": post.topic,
        "video_url": default_storage.url(post.video) if post.video else None,
        "poster_url": default_storage.url(post.poster) if post.poster else None,
        "visibility": post.visibility,
        "allow_remix": post.allow_remix,
        "rating": post.rating,
        "state": post.state,
        "remix_of": remix_of,
        "root_id": str(post.root_id),
        "depth": post.depth,
        "cameos": [],
        "counts": {
            "likes": post.like_count,
            "comments": post.comment_count,
            "views": post.view_count,
            "remixes": post.remix_count,
            "descendants": post.descendant_count,
        },
        "liked": liked,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S")
        + (f".{at.microsecond:06d}" if at.microsecond else "")
        + "Z",
    }


def test_the_card_is_the_api_card_field_by_field_and_in_order():
    """As rendered: odd captions, whole-second and sub-second times, no poster, a parent deleted outright."""
    viewer = UserFactory()
    parent = publish()
    odd = publish(
        caption='quote " backslash \\ newline \n tab \t bell \x07 emoji 🎬 <b>&</b>', remix_of=parent
    )
    whole = publish()
    Post.objects.filter(pk=whole.pk).update(
        created_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), poster=""
    )
    fine = publish()
    Post.objects.filter(pk=fine.pk).update(created_at=dt.datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=dt.UTC))
    orphan = publish(remix_of=publish())
    Post.objects.filter(pk=orphan.parent_id).delete()
    blocker = UserFactory()
    of_blocker = publish(remix_of=publish(blocker))
    Block.objects.create(blocker=blocker, blocked=viewer)
    of_hidden = publish(remix_of=publish(visibility="followers"))
    services.like_add(user=viewer, post_id=whole.id)
    posts = [odd, whole, fine, orphan, parent, of_blocker, of_hidden]
    got = orjson.loads(dumps(cards.cards_by_ids(viewer_id=viewer.id, teen=False, ids=[p.id for p in posts])))
    want = [_expected(p, liked=p.id == whole.id, viewer_id=viewer.id) for p in posts]
    assert [list(c) for c in got] == [list(w) for w in want]  # the keys, in the API's order
    assert got == want
    assert got[3]["remix_of"] == {"post_id": None, "author": None, "label": "Remix"}
    assert got[1]["created_at"] == "2026-01-02T03:04:05Z"
    assert got[2]["created_at"] == "2026-01-02T03:04:05.000060Z"
    assert got[1]["poster_url"] is None
