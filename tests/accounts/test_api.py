"""Invites, invitees, follow/block, notifications and waitlist over the API, with query counts."""

from __future__ import annotations

import pytest

from sora_social.accounts import services
from sora_social.accounts.models import InviteCode, WaitlistEntry
from tests.accounts.factories import UserFactory, make_chain, make_member

pytestmark = pytest.mark.django_db


def test_my_invites_lists_codes_with_state_and_redeemer(client_for, django_assert_num_queries):
    """GET /me/invites shows each code, its state and who redeemed it, in constant queries."""
    me = make_member()
    client = client_for(me)
    with django_assert_num_queries(2):  # auth + codes with redeemers
        before = client.get("/api/v1/me/invites").json()
    assert [c["state"] for c in before["results"]] == ["available"] * 4
    friend = make_member(me, username="friend")
    make_member(me)
    with django_assert_num_queries(2):
        after = client.get("/api/v1/me/invites").json()
    states = sorted(c["state"] for c in after["results"])
    assert states == ["available", "available", "redeemed", "redeemed"]
    redeemers = {c["redeemed_by"]["username"] for c in after["results"] if c["redeemed_by"]}
    assert "friend" in redeemers
    assert all("-" in c["code"] for c in after["results"])
    assert friend.pk


def test_my_invitees_by_depth_paginated_constant_queries(client_for, django_assert_num_queries):
    """GET /me/invitees?depth=N returns N levels depth-first, one query per page."""
    me = make_member()
    chain = make_chain(3, inviter=me)
    make_member(me)
    client = client_for(me)
    with django_assert_num_queries(2):
        direct = client.get("/api/v1/me/invitees").json()
    assert len(direct["results"]) == 2
    assert {r["depth"] for r in direct["results"]} == {1}
    with django_assert_num_queries(2):
        deep = client.get("/api/v1/me/invitees", {"depth": 3, "limit": 2}).json()
    assert [r["id"] for r in deep["results"]] == [str(chain[0].pk), str(chain[1].pk)]
    assert deep["next"]
    rest = client.get("/api/v1/me/invitees", {"depth": 3, "limit": 2, "cursor": deep["next"]}).json()
    assert len(rest["results"]) == 2
    assert rest["next"] is None
    bad = client.get("/api/v1/me/invitees", {"depth": "x"})
    assert bad.status_code == 400


def test_follow_and_block_endpoints(client_for):
    """POST/DELETE follow and block; blocked members are 404 to each other's follow; bad ids are 404."""
    a, b = UserFactory(), UserFactory()
    ca, cb = client_for(a), client_for(b)
    assert ca.post(f"/api/v1/users/{b.pk}/follow").json()["following"] is True
    assert cb.post(f"/api/v1/users/{a.pk}/follow").status_code == 200
    assert ca.post(f"/api/v1/users/{b.pk}/block").json()["blocked"] is True
    hidden = cb.post(f"/api/v1/users/{a.pk}/follow")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"
    assert ca.delete(f"/api/v1/users/{b.pk}/block").json()["blocked"] is False
    assert ca.delete(f"/api/v1/users/{b.pk}/follow").json()["following"] is False
    assert ca.post("/api/v1/users/nope/follow").status_code == 404
    assert ca.post("/api/v1/users/99999/block").status_code == 404


def test_waitlist_endpoint_is_idempotent(api_client):
    """POST /waitlist records the e-mail once; a bad region is 400."""
    for _ in range(2):
        r = api_client.post("/api/v1/waitlist", {"email": "Wait@Example.test", "region": "de"}, format="json")
        assert r.status_code == 201
    assert WaitlistEntry.objects.get().region == "DE"
    bad = api_client.post("/api/v1/waitlist", {"email": "x@example.test", "region": "D"}, format="json")
    assert bad.status_code == 400


def test_inviter_sees_suspension_notification(client_for):
    """The inviter's notifications list the suspension of someone they invited."""
    me = make_member()
    friend = make_member(me)
    services.user_suspend(user=friend, actor=None, reason="spam")
    body = client_for(me).get("/api/v1/me/notifications").json()
    assert body["results"][0]["kind"] == "invitee.suspended"
    assert body["results"][0]["payload"]["user_id"] == str(friend.pk)


def test_schema_documents_the_accounts_endpoints(api_client):
    """The OpenAPI schema lists the onboarding, graph and parental endpoints."""
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for p in [
        "/api/v1/auth/signup",
        "/api/v1/waitlist",
        "/api/v1/me/invites",
        "/api/v1/me/invitees",
        "/api/v1/users/{user_id}/follow",
        "/api/v1/users/{user_id}/block",
        "/api/v1/parental/links",
        "/api/v1/parental/links/{code}/accept",
        "/api/v1/parental/links/{link_id}",
    ]:
        assert p in schema["paths"], p


def test_frozen_member_codes_show_disabled(client_for):
    """After a freeze, my unredeemed codes show as disabled."""
    me = make_member()
    services.subtree_freeze(root=me, actor=None, reason="ring")
    states = {c["state"] for c in client_for(me).get("/api/v1/me/invites").json()["results"]}
    assert states == {InviteCode.State.DISABLED}
