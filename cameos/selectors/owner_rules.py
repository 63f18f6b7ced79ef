"""Owner-rule reads: a cast's rules and restrictions, and the use approvals asked for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cameos.models import Cameo, CameoUseApproval


def cameo_rules(*, cameo_ids: list[int]) -> dict[int, str]:
    """The owners' rules ("no political content") of a cast, for generation's prompt check; one query."""
    return dict(Cameo.objects.filter(pk__in=cameo_ids).exclude(rules="").values_list("id", "rules"))


def cast_rules(*, user_id: int, cameo_ids: list[int]) -> list[tuple[int, int, list[str], str]]:
    """(cameo_id, owner_id, restrictions, free-text rules) of the cast cameos that have rules and
    are not `user_id`'s own (an owner's rules protect them from others, not from themselves); one query."""
    if not cameo_ids:
        return []
    rows = (
        Cameo.objects.filter(pk__in=cameo_ids)
        .exclude(owner_id=user_id)
        .exclude(Q(rules="") & Q(restrictions=[]))
        .values_list("id", "owner_id", "restrictions", "rules")
    )
    order = {c: i for i, c in enumerate(cameo_ids)}
    return sorted(((c, o, list(r), t) for c, o, r, t in rows), key=lambda row: order[row[0]])


def use_approvals_for(*, kind: str, object_id: int) -> dict[int, str]:
    """{cameo_id: state} of the approvals asked for one generation."""
    return dict(
        CameoUseApproval.objects.filter(kind=kind, object_id=object_id).values_list("cameo_id", "state")
    )


def use_approvals_for_owner(
    *, user_id: int, state: str | None = CameoUseApproval.State.PENDING
) -> QuerySet[CameoUseApproval]:
    qs = CameoUseApproval.objects.filter(cameo__owner_id=user_id)
    return qs.filter(state=state) if state else qs
