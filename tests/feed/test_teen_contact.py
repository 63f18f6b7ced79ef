"""Adults cannot comment on, or mention, a teen who does not follow them (rule 5); one "may contact"
check in accounts decides, for comments, captions and (later) messages."""

from __future__ import annotations

import datetime as dt

import pytest

from feed.models import Comment, Post
from sora_social.accounts.selectors import may_contact
from sora_social.accounts.services import block_create, follow_create
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish, ready_job

pytestmark = pytest.mark.django_db


def _teen(**kw):
    today = dt.date.today()
    return UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15), **kw)


def test_may_contact_rule():
    """Adults reach a teen only when the teen follows them; teens reach teens; blocks stop everyone."""
    teen, other_teen, adult, friend = _teen(), _teen(), UserFactory(), UserFactory()
    assert not may_contact(sender=adult, recipient_id=teen.id)
    assert may_contact(sender=other_teen, recipient_id=teen.id)
    assert may_contact(sender=teen, recipient_id=adult.id)
    follow_create(actor=teen, target=friend)
    assert may_contact(sender=friend, recipient_id=teen.id)
    block_create(actor=friend, target=adult)
    assert not may_contact(sender=adult, recipient_id=friend.id)


def test_adult_cannot_comment_on_a_teen_who_does_not_follow_them(client_for):
    """403 `contact_not_allowed` and no comment; once the teen follows the adult, the comment goes through."""
    teen, adult = _teen(), UserFactory()
    post = publish(teen)
    res = client_for(adult).post(f"/api/v1/posts/{post.id}/comments", {"text": "nice"}, format="json")
    assert res.status_code == 403, res.content
    assert res.json()["error"]["code"] == "contact_not_allowed"
    assert Comment.objects.count() == 0
    assert Post.objects.get(pk=post.id).comment_count == 0
    follow_create(actor=teen, target=adult)
    res = client_for(adult).post(f"/api/v1/posts/{post.id}/comments", {"text": "nice"}, format="json")
    assert res.status_code == 201


def test_adult_cannot_mention_a_teen_in_a_comment_or_caption(client_for):
    """@teen in an adult's comment or caption is refused (403 `mention_not_allowed`) and changes nothing;
    mentioning an adult, or a teen who follows the author, is fine."""
    teen, adult, other = _teen(username="kiddo"), UserFactory(), UserFactory(username="grownup")
    post = publish(other)
    client = client_for(adult)
    res = client.post(f"/api/v1/posts/{post.id}/comments", {"text": "hey @Kiddo look"}, format="json")
    assert res.status_code == 403, res.content
    assert res.json()["error"]["code"] == "mention_not_allowed"
    assert Comment.objects.count() == 0
    job = ready_job(adult)
    res = client.post("/api/v1/posts", {"generation_id": str(job.id), "caption": "for @kiddo"}, format="json")
    assert res.status_code == 403, res.content
    assert res.json()["error"]["code"] == "mention_not_allowed"
    assert not Post.objects.filter(generation_id=job.id).exists()
    res = client.post(f"/api/v1/posts/{post.id}/comments", {"text": "hi @grownup"}, format="json")
    assert res.status_code == 201
    follow_create(actor=teen, target=adult)
    res = client.post("/api/v1/posts", {"generation_id": str(job.id), "caption": "for @kiddo"}, format="json")
    assert res.status_code == 201, res.content


def test_adult_cannot_share_a_chosen_post_with_a_teen_who_does_not_follow_them(client_for):
    """A chosen audience naming such a teen is refused like an unknown member, and nothing is published."""
    teen, adult = _teen(), UserFactory()
    job = ready_job(adult)
    body = {"generation_id": str(job.id), "visibility": "chosen", "audience": [str(teen.id)]}
    res = client_for(adult).post("/api/v1/posts", body, format="json")
    assert res.status_code == 400, res.content
    assert res.json()["error"]["code"] == "audience_unknown_users"
    assert not Post.objects.filter(generation_id=job.id).exists()
    follow_create(actor=teen, target=adult)
    assert client_for(adult).post("/api/v1/posts", body, format="json").status_code == 201
