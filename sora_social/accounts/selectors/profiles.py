"""Profiles and follower lists as a viewer sees them, and member search.

Who may see whom (one rule, `_visible_members`): active members (suspended,
banned and deleted accounts are inactive: 404), with no block either way
with the viewer. Teens (rule 5) are not discoverable by adults they do not
follow: such a teen is left out of adults' follower lists and search results
(their profile stays reachable by id, like their public posts, so a link
someone shares still opens). Each page is one query: the relationship flags
(`followed_by_me`, `follows_me`) are `EXISTS` columns on the same statement,
and the counts are the stored counters.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from sora_social.accounts.models import Block, Follow, User
from sora_social.accounts.models.users import SEARCH_VECTOR
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id
from sora_social.common.pagination import decode_int_cursor, encode_cursor

if TYPE_CHECKING:  # the viewer module reads these selectors
    from sora_social.accounts.viewer import Viewer

# Ranked search pages stop here: a ranked list is for finding someone, not for walking.
SEARCH_MAX_RESULTS = 200
_NOT_FOUND = "No such user."


@dataclass(frozen=True)
class Profile:
    user: User
    followed_by_me: bool
    follows_me: bool


@dataclass(frozen=True)
class MemberPage:
    """A page of members (each with the flags annotated) and the next cursor."""

    users: list[User]
    next: str | None


def _flags(viewer: Viewer, ref: str = "pk") -> dict[str, Exists]:
    return {
        "followed_by_me": Exists(Follow.objects.filter(follower_id=viewer.id, followee_id=OuterRef(ref))),
        "follows_me": Exists(Follow.objects.filter(follower_id=OuterRef(ref), followee_id=viewer.id)),
    }


def _unblocked(viewer: Viewer, ref: str = "pk") -> Q:
    blocked = Block.objects.filter(
        Q(blocker_id=viewer.id, blocked_id=OuterRef(ref)) | Q(blocker_id=OuterRef(ref), blocked_id=viewer.id)
    )
    return ~Q(Exists(blocked))


def _discoverable(viewer: Viewer, prefix: str = "") -> Q:
    """Members the viewer may find in lists and search: for an adult, no teen who does not follow them."""
    if viewer.is_teen:
        return Q()
    ref = f"{prefix}pk" if prefix else "pk"
    teen_follows_viewer = Exists(Follow.objects.filter(follower_id=OuterRef(ref), followee_id=viewer.id))
    return ~Q(**{f"{prefix}is_teen": True}) | Q(teen_follows_viewer) | Q(**{f"{prefix}pk": viewer.id})


def _visible_members(viewer: Viewer) -> QuerySet[User]:
    return User.objects.filter(Q(is_active=True) & _unblocked(viewer)).annotate(**_flags(viewer))


def profile_get(*, viewer: Viewer, user_id: object = None, username: str | None = None) -> Profile:
    """A member's profile by id or username (one query); hidden, unknown, inactive: 404."""
    qs = _visible_members(viewer)
    if username is not None:
        name = unicodedata.normalize("NFKC", username)
        # Usernames differing only in case cannot coexist (their skeletons are equal and unique).
        user = qs.filter(username__iexact=name).first() if name else None
    else:
        pk = parse_id(user_id)
        user = qs.filter(pk=pk).first() if pk else None
    if user is None:
        raise NotFound(_NOT_FOUND)
    return Profile(user=user, followed_by_me=user.followed_by_me, follows_me=user.follows_me)  # type: ignore[attr-defined]


def _edge_page(
    *, viewer: Viewer, user_id: object, side: str, cursor: str | None, limit: int, scope: str
) -> MemberPage:
    """Followers (`side="follower"`) or followees of a visible member, newest follow first."""
    owner = profile_get(viewer=viewer, user_id=user_id).user
    other = "followee" if side == "follower" else "follower"
    before = decode_int_cursor(cursor, scope=scope)
    edges = Follow.objects.filter(**{f"{other}_id": owner.pk})
    if before is not None:
        edges = edges.filter(pk__lt=before)
    ref = f"{side}_id"
    edges = (
        edges.filter(
            Q(**{f"{side}__is_active": True}) & _unblocked(viewer, ref) & _discoverable(viewer, f"{side}__")
        )
        .annotate(**_flags(viewer, ref))
        .select_related(side)
        .order_by("-id")
    )
    rows = list(edges[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    users = []
    for edge in rows:
        user = getattr(edge, side)
        user.followed_by_me, user.follows_me = edge.followed_by_me, edge.follows_me  # type: ignore[attr-defined]
        users.append(user)
    return MemberPage(users=users, next=encode_cursor(rows[-1].pk, scope=scope) if more else None)


def followers_page(*, viewer: Viewer, user_id: object, cursor: str | None, limit: int) -> MemberPage:
    """Who follows the member, newest first (two queries: the member, then the page)."""
    return _edge_page(
        viewer=viewer, user_id=user_id, side="follower", cursor=cursor, limit=limit, scope="followers"
    )


def following_page(*, viewer: Viewer, user_id: object, cursor: str | None, limit: int) -> MemberPage:
    """Whom the member follows, newest first (two queries: the member, then the page)."""
    return _edge_page(
        viewer=viewer, user_id=user_id, side="followee", cursor=cursor, limit=limit, scope="following"
    )


def _name_matches(viewer: Viewer, q: str) -> list[tuple[int, float, int]]:
    """Members whose username or display name is like `q` (trigram `%` and word similarity `%>`,
    the GIN `gin_trgm_ops` indexes): (id, best similarity, followers), best first."""
    rows = (
        User.objects.filter(is_active=True)
        .filter(_discoverable(viewer))
        .filter(
            Q(username__trigram_similar=q)
            | Q(username__trigram_word_similar=q)
            | Q(display_name__trigram_word_similar=q)
        )
        .annotate(similarity=Greatest(TrigramSimilarity("username", q), TrigramSimilarity("display_name", q)))
        .order_by("-similarity", "id")
        .values_list("id", "similarity", "follower_count")[: SEARCH_MAX_RESULTS + 1]
    )
    return [(pk, float(sim), followers) for pk, sim, followers in rows]


def _text_matches(viewer: Viewer, q: str) -> list[tuple[int, float, int]]:
    """Members whose display name or bio holds the words of `q` (the full-text GIN index)."""
    query = SearchQuery(q, config="simple", search_type="plain")
    rows = (
        User.objects.filter(is_active=True)
        .filter(_discoverable(viewer))
        .annotate(document=SEARCH_VECTOR)
        .filter(document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "id")
        .values_list("id", "rank", "follower_count")[: SEARCH_MAX_RESULTS + 1]
    )
    return [(pk, min(1.0, 10 * float(rank)), followers) for pk, rank, followers in rows]


def users_search(*, viewer: Viewer, q: str, cursor: str | None, limit: int) -> MemberPage:
    """Members matching `q`, best first (three queries: names, words, the page's members).

    Names: trigram similarity over the username (typos: "alcie" finds "alice")
    and word similarity within the username and the display name (a typed
    prefix, "alicew" finds "alicewonder"; a misspelt word of a display name). Words: full-text over display name and bio.
    Each is its own indexed query (one OR over both would recheck the bio's
    document on every name candidate). Score: the name similarity plus
    `min(1, 10 × ts_rank)`, plus a little for followers (log-scaled, so
    popularity breaks near-ties only). Blocks are applied to the ranked ids
    (the viewer's block list, read once) and again by the page's query.
    """
    offset = decode_int_cursor(cursor, scope="search.users") or 0
    scores: dict[int, float] = {}
    for pk, score, followers in [*_name_matches(viewer, q), *_text_matches(viewer, q)]:
        scores[pk] = scores.get(pk, math.log(followers + 2) / 100) + score
    ranked = [pk for pk in sorted(scores, key=lambda pk: (-scores[pk], pk)) if pk not in viewer.blocked_ids]
    ranked = ranked[:SEARCH_MAX_RESULTS]
    chosen = ranked[offset : offset + limit]
    found = {u.pk: u for u in _visible_members(viewer).filter(pk__in=chosen)} if chosen else {}
    users = [found[pk] for pk in chosen if pk in found]
    more = offset + limit < len(ranked)
    return MemberPage(users=users, next=encode_cursor(offset + limit, scope="search.users") if more else None)
