"""Where notifications come from: likes, comments, remixes, follows, cameo requests, each into the one list."""

from __future__ import annotations

import pytest

from feed import services as feed_services
from sora_social.accounts.services import block_create, follow_create
from sora_social.notifications.models import Notification, NotificationGroup
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish


@pytest.mark.django_db
def test_likes_comments_and_follows_reach_the_author_grouped(client_for):
    """Two likes are one group; a comment carries an excerpt; a follow names the follower; unliking adds nothing."""
    author, ana, ben = UserFactory(), UserFactory(display_name="Ana"), UserFactory(display_name="Ben")
    post = publish(author)
    client_for(ana).post(f"/api/v1/posts/{post.id}/like")
    client_for(ben).post(f"/api/v1/posts/{post.id}/like")
    client_for(ben).post(f"/api/v1/posts/{post.id}/like")  # a repeat like is no new like
    client_for(ana).post(f"/api/v1/posts/{post.id}/comments", {"text": "so good " * 30}, format="json")
    follow_create(actor=ana, target=author)
    items = {i["kind"]: i for i in client_for(author).get("/api/v1/me/notifications").json()["results"]}
    assert set(items) == {"like", "comment", "follow"}
    assert items["like"]["count"] == 2
    assert items["like"]["text"] == "Ben and Ana liked your post"
    assert items["comment"]["payload"]["excerpt"] == ("so good " * 30).strip()[:140]
    assert items["follow"]["actors"][0]["id"] == str(ana.pk)
    assert Notification.objects.filter(user=author, kind="like").count() == 2


@pytest.mark.django_db
def test_own_likes_notify_nobody(client_for):
    """Liking my own post stores nothing."""
    author = UserFactory()
    post = publish(author)
    client_for(author).post(f"/api/v1/posts/{post.id}/like")
    assert not NotificationGroup.objects.exists()


@pytest.mark.django_db
def test_remix_notifies_the_parent_author_only_if_they_may_see_it():
    """A public remix notifies the parent's author; a followers-only remix by someone they do not follow does not."""
    author, remixer, other = UserFactory(), UserFactory(), UserFactory()
    parent = publish(author)
    remix = publish(remixer, remix_of=parent)
    note = Notification.objects.get(user=author, kind="remix")
    assert note.payload == {"post_id": str(parent.id), "remix_id": str(remix.id)}
    publish(other, remix_of=parent, visibility="followers")
    assert Notification.objects.filter(user=author, kind="remix").count() == 1


@pytest.mark.django_db
def test_blocked_members_cannot_notify():
    """After a block the blocked member cannot like or comment (404): no notification reaches the blocker."""
    from sora_social.common.errors import NotFound

    author, troll = UserFactory(), UserFactory()
    post = publish(author)
    block_create(actor=author, target=troll)
    with pytest.raises(NotFound):
        feed_services.like_add(user=troll, post_id=post.id)
    assert not Notification.objects.filter(user=author).exists()


@pytest.mark.django_db
def test_cameo_requests_arrive_in_the_one_list_and_the_deprecated_alias(client_for):
    """A cameo request is a `cameo.requested` item in /me/notifications and still an item of /me/cameo-notifications."""
    from cameos.models import Audience
    from tests.cameos.factories import CameoFactory

    cameo = CameoFactory(audience=Audience.APPROVED)
    fan = UserFactory()
    assert (
        client_for(fan)
        .post(f"/api/v1/cameos/{cameo.pk}/requests", {"message": "please"}, format="json")
        .status_code
        == 201
    )
    owner = client_for(cameo.owner)
    [item] = owner.get("/api/v1/me/notifications").json()["results"]
    assert (item["kind"], item["target"]) == ("cameo.requested", {"type": "cameo", "id": str(cameo.pk)})
    [old] = owner.get("/api/v1/me/cameo-notifications").json()["results"]
    assert (old["kind"], old["cameo_id"], old["actor_id"]) == ("requested", str(cameo.pk), str(fan.pk))
    assert old["data"]["message"] == "please"


@pytest.mark.django_db
def test_a_block_erases_what_each_caused_the_other():
    """Blocking removes the blocked member from my groups (count and sample) and empties groups they alone made;
    the unread counter follows."""
    from sora_social.notifications.models import Inbox

    author, troll, fan = UserFactory(), UserFactory(), UserFactory()
    post, other_post = publish(author), publish(author)
    feed_services.like_add(user=troll, post_id=post.id)
    feed_services.like_add(user=fan, post_id=post.id)
    feed_services.like_add(user=troll, post_id=other_post.id)
    follow_create(actor=troll, target=author)
    assert Inbox.objects.get(user=author).unread == 3
    block_create(actor=author, target=troll)
    [group] = NotificationGroup.objects.filter(user=author)
    assert (group.target_id, group.count, group.actor_ids) == (post.id, 1, [fan.pk])
    assert not Notification.objects.filter(user=author, actor=troll).exists()
    assert Inbox.objects.get(user=author).unread == 1
