"""Abuse signals and the risk score shown to moderators."""

from __future__ import annotations

import pytest

from sora_social.accounts import selectors, services
from sora_social.accounts.models import InviteCode
from tests.accounts.factories import make_member

pytestmark = pytest.mark.django_db


def test_quiet_subtree_scores_low_and_abusive_one_high(api_client):
    """Friends from one network score low; scattered redemptions, shopping and suspensions score high."""
    calm = make_member()
    for _ in range(2):
        make_member(calm, ip="203.0.113.5")
    calm_risk = selectors.invite_risk(user_id=calm.pk)

    seller = make_member()
    buyers = [make_member(seller, ip=f"198.51.{i}.10") for i in range(4)]
    # A code of a buyer tried from five IPs (posted publicly).
    code = InviteCode.objects.filter(owner=buyers[0]).first()
    for i in range(5):
        api_client.post(
            "/api/v1/auth/signup",
            {
                "invite_code": code.code,
                "username": f"try{i}" if i else "first",
                "email": f"try{i}@example.test",
                "password": "correct-horse-battery",
                "birthdate": "1990-01-01",
                "region": "US",
            },
            format="json",
            REMOTE_ADDR=f"192.0.2.{i + 1}",
        )
    services.user_suspend(user=buyers[1], actor=None, reason="spam")
    services.user_report_received(user_id=buyers[2].pk)
    risk = selectors.invite_risk(user_id=seller.pk)

    assert risk.recent_redemptions == 5
    assert risk.recent_networks == 5
    assert risk.max_ips_per_code == 5
    assert (risk.suspended, risk.reported) == (1, 1)
    assert calm_risk.recent_networks == 1
    assert calm_risk.score < 20 < 60 < risk.score
    per_code = selectors.invite_code_risk(code_id=code.pk)
    assert per_code["ips"] == 5
