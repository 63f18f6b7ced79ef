"""Reads about members, the invite tree, the social graph and teen controls.

Other apps read accounts through here, never through the models. The
expression builders (`mutual_follow_exists`, `block_exists`) let another app
fold a relationship check into its own query, so a consent or visibility
check stays one indexed query.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, Expression, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from sora_social.accounts.models import (
    Block,
    Follow,
    InviteAttempt,
    InviteCode,
    ParentalLink,
    TeenSettings,
    User,
)
from sora_social.common.errors import NotFound, ValidationFailed
from sora_social.common.ids import parse_id
from sora_social.common.pagination import decode_cursor, encode_cursor

# Every path character sorts below "{" in the "C" collation ([0-9a-z.]), so
# `path < P || "{"` closes the range of paths that start with P.
PATH_UPPER = "{"


def user_get(*, user_id: object) -> User:
    """An active member by id; unknown, malformed and inactive ids are all 404."""
    pk = parse_id(user_id)
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        raise NotFound("No such user.")
    return user


def user_load(*, user_id: int) -> User | None:
    """The member with this id, by one prepared statement: what every authenticated request loads.

    Same instance as `User.objects.get(pk=...)` (a test compares them field by
    field) without compiling the query on each request.
    """
    from sora_social.common.db import prepared_cursor

    sql, fields, converters = _user_load_statement()
    with prepared_cursor() as cur:
        cur.execute(sql, [user_id])
        row = cur.fetchone()
    if row is None:
        return None
    if converters:
        from django.db import connection

        row = list(row)
        for i, col, convs in converters:
            for conv in convs:
                row[i] = conv(row[i], col, connection)
    return User.from_db("default", [f.attname for f in fields], row)


@functools.cache
def _user_load_statement() -> tuple[str, list[Any], list[tuple[int, Any, list[Any]]]]:
    from django.db import connection

    fields = list(User._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {connection.ops.quote_name(User._meta.db_table)} WHERE id = %s"  # noqa: S608
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(User._meta.db_table)
        convs = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if convs:
            converters.append((i, col, convs))
    return sql, fields, converters


def sql_tables() -> dict[str, str]:
    """Table names of members, follows and blocks, for another app's hand-written SQL."""
    return {"user": User._meta.db_table, "follow": Follow._meta.db_table, "block": Block._meta.db_table}


def age_on(birthdate: dt.date, today: dt.date) -> int:
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))


# --- the social graph ----------------------------------------------------------


def follows(*, follower_id: int, followee_id: int) -> bool:
    return Follow.objects.filter(follower_id=follower_id, followee_id=followee_id).exists()


def mutual_follow_exists(*, a: Expression | OuterRef | int, b: Expression | OuterRef | int) -> Exists:
    """An `Exists` true when a follows b and b follows a; `a`/`b` may be ids or `OuterRef`s.

    One EXISTS over the (follower, followee) unique index; the reverse edge is
    a nested EXISTS on the same index, correlated to the outer follow row.
    """
    reverse = Follow.objects.filter(follower_id=OuterRef("followee_id"), followee_id=OuterRef("follower_id"))
    return Exists(Follow.objects.filter(Exists(reverse), follower_id=a, followee_id=b))


def users_are_mutuals(*, a_id: int, b_id: int) -> bool:
    if a_id == b_id:
        return False
    return User.objects.filter(pk=a_id).filter(mutual_follow_exists(a=a_id, b=b_id)).exists()


def mutual_ids(*, user_id: int) -> set[int]:
    """Ids of everyone who follows `user_id` and is followed back."""
    back = Follow.objects.filter(follower_id=OuterRef("followee_id"), followee_id=user_id)
    return set(Follow.objects.filter(Exists(back), follower_id=user_id).values_list("followee_id", flat=True))


def following_ids(*, user_id: int) -> set[int]:
    return set(Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True))


def follower_ids(*, user_id: int) -> set[int]:
    return set(Follow.objects.filter(followee_id=user_id).values_list("follower_id", flat=True))


def follow_exists(*, follower: Expression | OuterRef | int, followee: Expression | OuterRef | int) -> Exists:
    """An `Exists` true when `follower` follows `followee`; ids or `OuterRef`s (the unique index)."""
    return Exists(Follow.objects.filter(follower_id=follower, followee_id=followee))


def block_exists(*, a: Expression | OuterRef | int, b: Expression | OuterRef | int) -> Exists:
    """An `Exists` true when a blocked b or b blocked a; ids or `OuterRef`s."""
    return Exists(Block.objects.filter(Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)))


def blocked_either_way(*, a_id: int, b_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_user_ids(*, user_id: int) -> set[int]:
    """Everyone `user_id` blocked or was blocked by: hidden from each other everywhere."""
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {blocked if blocker == user_id else blocker for blocker, blocked in rows}


# --- teens -----------------------------------------------------------------------


@dataclass(frozen=True)
class TeenControls:
    """A teen's controls, as set by a linked parent or the defaults."""

    daily_feed_budget: int  # minutes a day
    personalization_enabled: bool
    dms_enabled: bool
    cameo_audience_max: str  # "only_me" | "approved" | "mutuals" | "everyone"


def default_teen_controls() -> TeenControls:
    return TeenControls(
        daily_feed_budget=settings.TEEN_DAILY_FEED_BUDGET_MIN,
        personalization_enabled=True,
        dms_enabled=True,
        cameo_audience_max="only_me",
    )


def user_is_teen(*, user: User, today: dt.date | None = None) -> bool:
    if not user.is_teen:
        return False
    if user.birthdate is None:
        return True
    return age_on(user.birthdate, today or timezone.localdate()) < settings.TEEN_UNTIL_AGE


def teen_controls(*, user_id: int) -> TeenControls | None:
    """The teen's controls (one query); None for adults and unknown ids."""
    row = (
        User.objects.filter(pk=user_id)
        .values(
            "is_teen",
            "birthdate",
            "teen_settings__daily_feed_budget",
            "teen_settings__personalization_enabled",
            "teen_settings__dms_enabled",
            "teen_settings__cameo_audience_max",
        )
        .first()
    )
    if row is None or not row["is_teen"]:
        return None
    if row["birthdate"] and age_on(row["birthdate"], timezone.localdate()) >= settings.TEEN_UNTIL_AGE:
        return None
    if row["teen_settings__daily_feed_budget"] is None:
        return default_teen_controls()
    return TeenControls(
        daily_feed_budget=row["teen_settings__daily_feed_budget"],
        personalization_enabled=row["teen_settings__personalization_enabled"],
        dms_enabled=row["teen_settings__dms_enabled"],
        cameo_audience_max=row["teen_settings__cameo_audience_max"],
    )


# `@username` in captions and comments: Django's username characters, not preceded by a word
# character (so e-mail addresses are not mentions).
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20


def uncontactable_ids(
    *, sender: User, recipient_ids: Iterable[int], direct_message: bool = False
) -> set[int]:
    """Of `recipient_ids`, those `sender` may not contact (comment on, mention, message): one query.

    Blocked either way: nobody. A teen: only adults the teen follows (and
    other teens). For direct messages, also nobody when a parent turned the
    teen's DMs off. This is the one place the rule lives; comments, mentions
    and direct messages all ask it.
    """
    ids = {int(i) for i in recipient_ids} - {sender.pk}
    if not ids:
        return set()
    refused = Q(block_exists(a=sender.pk, b=OuterRef("pk")))
    if not user_is_teen(user=sender):
        teen_follows_sender = Exists(Follow.objects.filter(follower_id=OuterRef("pk"), followee_id=sender.pk))
        refused |= Q(is_teen=True) & ~Q(teen_follows_sender)
    if direct_message:
        refused |= Q(is_teen=True, teen_settings__dms_enabled=False)
    return set(User.objects.filter(pk__in=ids).filter(refused).values_list("pk", flat=True))


def may_contact(*, sender: User, recipient_id: int, direct_message: bool = False) -> bool:
    """Whether `sender` may contact the member (see `uncontactable_ids`)."""
    refused = uncontactable_ids(sender=sender, recipient_ids=[recipient_id], direct_message=direct_message)
    return recipient_id not in refused


def mentioned_users(*, text: str) -> dict[int, str]:
    """Active members mentioned as `@username` in `text` (case-insensitive): id → username. One query."""
    names = {m.lower() for m in MENTION_RE.findall(text or "")}
    if not names:
        return {}
    if len(names) > MAX_MENTIONS:
        raise ValidationFailed(f"At most {MAX_MENTIONS} mentions.", code="too_many_mentions")
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    return dict(User.objects.filter(match, is_active=True).values_list("pk", "username"))


def teen_settings_get(*, teen_id: int) -> TeenSettings | None:
    return TeenSettings.objects.filter(teen_id=teen_id).first()


def parental_link_of_teen(*, teen_id: int) -> ParentalLink | None:
    """The teen's link being confirmed or active (at most one), with its parent: what the teen sees."""
    return (
        ParentalLink.objects.filter(
            teen_id=teen_id, state__in=[ParentalLink.State.CONFIRMING, ParentalLink.State.ACTIVE]
        )
        .select_related("parent")
        .first()
    )


# --- the invite tree -----------------------------------------------------------


def subtree_filter(path: str, *, include_root: bool = False) -> Q:
    """Rows in the subtree under `path` (a range scan on the path index)."""
    upper = Q(invite_path__lt=path + PATH_UPPER)
    return (Q(invite_path__gte=path) if include_root else Q(invite_path__gt=path)) & upper


# The prefixes of the member's path, as an array computed once (an InitPlan):
# `path = ANY(array)` is then a handful of probes into the unique path index,
# whatever the tree's size. (An `IN (subquery)` form lets the planner pick a
# hash join over the whole table instead.)
_ANCESTORS_WHERE = """
    "accounts_user"."invite_path" = ANY(ARRAY(
        SELECT left(u.invite_path, g) FROM accounts_user u
        CROSS JOIN LATERAL generate_series(1, length(u.invite_path) - 1) AS g
        WHERE u.id = %s AND substr(u.invite_path, g, 1) = '.'
    ))
"""


def invite_ancestors(*, user_id: int) -> list[User]:
    """The inviter chain, root first, in one query (path prefixes → unique path index)."""
    ancestors = RawSQL(_ANCESTORS_WHERE, (user_id,), output_field=BooleanField())  # noqa: S611 - bound parameter
    return list(User.objects.filter(ancestors).order_by("invite_depth"))


def invite_descendants_qs(*, user_id: int, max_depth: int | None = None) -> QuerySet[User]:
    """Descendants in depth-first order; the subtree bounds come from one scalar subquery."""
    if max_depth == 1:
        # Direct invitees: the inviter index, not a scan of the whole subtree in path order.
        return User.objects.filter(inviter_id=user_id).order_by("invite_path")
    base = User.objects.filter(pk=user_id)
    path = Subquery(base.values("invite_path")[:1])
    upper = RawSQL("(SELECT invite_path || %s FROM accounts_user WHERE id = %s)", (PATH_UPPER, user_id))
    qs = User.objects.filter(invite_path__gt=path, invite_path__lt=upper)
    if max_depth is not None:
        depth = RawSQL("(SELECT invite_depth + %s FROM accounts_user WHERE id = %s)", (max_depth, user_id))
        qs = qs.filter(invite_depth__lte=depth)
    return qs.order_by("invite_path")


def invite_descendants(
    *, user_id: int, cursor: str | None = None, limit: int = 20, max_depth: int | None = None
) -> tuple[list[User], str | None]:
    """One page of the subtree below `user_id`, depth-first, and the next cursor (one query)."""
    limit = max(1, min(int(limit), 100))
    qs = invite_descendants_qs(user_id=user_id, max_depth=max_depth)
    after = decode_cursor(cursor, scope="accounts.invitees")
    if after is not None:
        qs = qs.filter(invite_path__gt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].invite_path, scope="accounts.invitees") if more and rows else None)


def invite_subtree_size(*, user_id: int) -> int:
    """Members below `user_id`: the stored counter, not a count."""
    value = User.objects.filter(pk=user_id).values_list("invitees_total", flat=True).first()
    if value is None:
        raise NotFound("No such user.")
    return value


def invite_codes_of(*, user_id: int) -> list[InviteCode]:
    return list(
        InviteCode.objects.filter(owner_id=user_id).select_related("redeemed_by").order_by("created_at", "id")
    )


# --- abuse signals ---------------------------------------------------------------


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
