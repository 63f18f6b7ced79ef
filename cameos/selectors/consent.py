"""Consent reads: "may user U cast cameo C now?" and who may see a cameo, its grants and requests.

The consent check is the hot one: generation asks "may user U cast cameo C
now?" at submit, before storing output and at publish. It is one indexed
query: the cameo by primary key, with the caster's explicit access row (unique
(cameo, user) index) and the social-graph conditions as EXISTS subqueries.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.db.models.lookups import GreaterThanOrEqual

from cameos.models import Audience, Cameo, CameoAccess, CameoRequest, CameoState
from cameos.models.cameo import AUDIENCE_ORDER
from sora_social.accounts.selectors import block_exists, mutual_follow_exists
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id

_RANK = {audience: rank for rank, audience in enumerate(AUDIENCE_ORDER)}


def _effective_rank() -> Least:
    """The audience actually in force, as a rank (0 only_me … 3 everyone).

    A teen owner's audience is clamped at query time to the widest their parent
    allows (`cameo_audience_max`; `only_me` without a settings row), so a
    parent tightening the control takes effect on the very next check.
    """
    chosen = Case(*(When(audience=a, then=Value(r)) for a, r in _RANK.items()), default=Value(0))
    cap = Case(
        When(owner__is_teen=False, then=Value(_RANK[Audience.EVERYONE])),
        *(When(owner__teen_settings__cameo_audience_max=a, then=Value(r)) for a, r in _RANK.items()),
        default=Value(0),
    )
    return Least(chosen, cap)


def _castable(user_id: int) -> Q:
    """Q over Cameo: `user_id` may cast it now (state is checked by callers).

    Never when the owner is suspended or banned. The owner always may. Anyone else needs: no block either way, no explicit
    revocation, and an effective audience that admits them: `everyone`; or
    `mutuals` and a mutual follow; or `approved` (or wider) and a grant.
    """
    access = CameoAccess.objects.filter(cameo=OuterRef("pk"), user_id=user_id)
    granted = Exists(access.filter(state=CameoAccess.State.GRANTED))
    revoked = Exists(access.filter(state=CameoAccess.State.REVOKED))
    mutuals = mutual_follow_exists(a=OuterRef("owner_id"), b=user_id)
    blocked = block_exists(a=OuterRef("owner_id"), b=user_id)
    rank = _effective_rank()
    admitted = (
        Q(GreaterThanOrEqual(rank, _RANK[Audience.EVERYONE]))
        | (Q(GreaterThanOrEqual(rank, _RANK[Audience.MUTUALS])) & Q(mutuals))
        | (Q(GreaterThanOrEqual(rank, _RANK[Audience.APPROVED])) & Q(granted))
    )
    # A suspended or banned owner's likeness is cast by nobody, the owner included:
    # moderation took the account out, and its cameo goes with it until restored.
    in_good_standing = Q(owner__suspended_at__isnull=True, owner__banned_at__isnull=True)
    return in_good_standing & (Q(owner_id=user_id) | (~Q(revoked) & ~Q(blocked) & admitted))


def may_cast(*, user_id: int, cameo_id: int, lock: bool = False) -> bool:
    """May `user_id` cast `cameo_id` right now? One indexed query.

    With `lock=True` (inside the caller's transaction) the cameo row is held
    FOR KEY SHARE until commit: casts never wait for each other, but a
    revocation (which takes FOR UPDATE) waits for the accepting transaction,
    and its signal then sees the accepted job.
    """
    qs = (
        Cameo.objects.filter(pk=cameo_id, state=CameoState.VERIFIED)
        .filter(_castable(user_id))
        .values("id")[:1]
    )
    if not lock:
        return qs.exists()
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR KEY SHARE OF {Cameo._meta.db_table}", params)
        return cursor.fetchone() is not None


def usable_cameo_ids(*, user_id: int, cameo_ids: list[int]) -> set[int]:
    """Which of `cameo_ids` `user_id` may cast now: a whole cast in one query."""
    if not cameo_ids:
        return set()
    return set(
        Cameo.objects.filter(pk__in=cameo_ids, state=CameoState.VERIFIED)
        .filter(_castable(user_id))
        .values_list("id", flat=True)
    )


def cameos_usable_by(*, user_id: int) -> QuerySet[Cameo]:
    """Every verified cameo `user_id` may cast now (their own first in the API list)."""
    return Cameo.objects.filter(state=CameoState.VERIFIED).filter(_castable(user_id))


def cameo_visible_to(*, user_id: int, cameo_id: object) -> Cameo:
    """A cameo the caller may see: their own, or a verified cameo open beyond `only_me`
    (so they can ask to use it) whose owner has not blocked them. Others: NotFound."""
    pk = parse_id(cameo_id)
    if pk is None:
        raise NotFound(code="cameo_not_found")
    open_to_requests = GreaterThanOrEqual(_effective_rank(), _RANK[Audience.APPROVED])
    not_blocked = ~Q(block_exists(a=OuterRef("owner_id"), b=user_id))
    visible = Q(owner_id=user_id) | (Q(state=CameoState.VERIFIED) & Q(open_to_requests) & not_blocked)
    cameo = Cameo.objects.filter(pk=pk).filter(visible).select_related("owner").first()
    if cameo is None:
        raise NotFound(code="cameo_not_found")
    return cameo


def accesses_of(*, cameo: Cameo) -> QuerySet[CameoAccess]:
    """The owner's explicit grants and revocations."""
    return CameoAccess.objects.filter(cameo=cameo)


def requests_for_owner(
    *, user_id: int, state: str | None = CameoRequest.State.PENDING
) -> QuerySet[CameoRequest]:
    qs = CameoRequest.objects.filter(cameo__owner_id=user_id)
    return qs.filter(state=state) if state else qs
