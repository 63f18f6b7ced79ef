"""Abuse signals of the invite tree: a subtree's resale risk score and per-code signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from sora_social.accounts.models import InviteAttempt, User
from sora_social.accounts.selectors.tree import subtree_filter
from sora_social.common.errors import NotFound


@dataclass(frozen=True)
class InviteRisk:
    """Resale and abuse signals of a member's subtree, folded into a 0-100 score.

    - velocity: redemptions in the subtree in the risk window, against what
      a member's own codes allow (INVITES_PER_USER per inviter in the window).
    - networks: distinct networks (/24, /48) those redemptions came from;
      friends inviting friends cluster, resold codes scatter.
    - bad_share: share of the subtree suspended, banned or reported.
    - code_shopping: the most IPs that tried any one code of the subtree.
    """

    subtree_size: int
    recent_redemptions: int
    recent_networks: int
    suspended: int
    reported: int
    max_ips_per_code: int
    score: int

    @property
    def signals(self) -> dict[str, Any]:
        return {
            "subtree_size": self.subtree_size,
            "recent_redemptions": self.recent_redemptions,
            "recent_networks": self.recent_networks,
            "suspended": self.suspended,
            "reported": self.reported,
            "max_ips_per_code": self.max_ips_per_code,
        }


def risk_score(
    *, size: int, recent: int, networks: int, bad: int, max_ips_per_code: int, inviters: int = 1
) -> int:
    per_user = max(1, settings.INVITES_PER_USER)
    velocity = min(1.0, recent / (per_user * max(1, inviters) * 2))
    scatter = 0.0 if recent < 3 else min(1.0, (networks - 1) / max(1, recent - 1))
    bad_share = min(1.0, 2 * bad / max(1, size))
    shopping = min(1.0, max(0, max_ips_per_code - 1) / 4)
    return round(100 * (0.2 * velocity + 0.25 * scatter + 0.35 * bad_share + 0.2 * shopping))


def invite_risk(*, user_id: int, now: dt.datetime | None = None) -> InviteRisk:
    """The risk report of `user_id`'s subtree (including them). A few aggregate queries."""
    user = User.objects.filter(pk=user_id).only("invite_path", "invitees_total").first()
    if user is None or not user.invite_path:
        raise NotFound("No such member.")
    since = (now or timezone.now()) - dt.timedelta(hours=settings.INVITE_RISK_WINDOW_H)
    members = User.objects.filter(subtree_filter(user.invite_path, include_root=True))
    below = User.objects.filter(subtree_filter(user.invite_path))
    agg = members.aggregate(
        bad=Count("pk", filter=Q(suspended_at__isnull=False) | Q(banned_at__isnull=False)),
        reported=Count(
            "pk", filter=Q(reports_received__gt=0, suspended_at__isnull=True, banned_at__isnull=True)
        ),
        inviters=Count("pk", filter=Q(invitees__isnull=False), distinct=True),
    )
    recent = InviteAttempt.objects.filter(
        outcome=InviteAttempt.Outcome.REDEEMED,
        created_at__gte=since,
        code__redeemed_by__in=below.values("pk"),
    ).aggregate(n=Count("pk"), nets=Count("network", distinct=True))
    ips = (
        InviteAttempt.objects.filter(code__owner__in=members.values("pk"), ip__isnull=False)
        .values("code_id")
        .annotate(n=Count("ip", distinct=True))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    ) or 0
    bad = agg["bad"] + agg["reported"]
    score = risk_score(
        size=user.invitees_total + 1,
        recent=recent["n"],
        networks=recent["nets"],
        bad=bad,
        max_ips_per_code=ips,
        inviters=agg["inviters"],
    )
    return InviteRisk(
        subtree_size=user.invitees_total,
        recent_redemptions=recent["n"],
        recent_networks=recent["nets"],
        suspended=agg["bad"],
        reported=agg["reported"],
        max_ips_per_code=ips,
        score=score,
    )


def invite_code_risk(*, code_id: int) -> dict[str, int]:
    """Per-code signals: how many IPs, networks and devices tried it, and how often."""
    return InviteAttempt.objects.filter(code_id=code_id).aggregate(
        attempts=Count("pk"),
        ips=Count("ip", distinct=True),
        networks=Count("network", distinct=True),
        devices=Count("device_id", distinct=True, filter=~Q(device_id="")),
    )
