"""The owner's decision on one pending row (a cameo request or a use approval), shared by both flows."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id
from sora_social.common.states import IllegalTransition, Machine, transition

M = TypeVar("M", bound=Model)


def owner_decide(
    machine: Machine,
    owned: QuerySet[M],
    *,
    raw_id: object,
    to: str,
    subject: str,
    not_found: str,
    decided: tuple[str, str],
) -> M:
    """Move the row `raw_id` among the owner's rows `owned` to `to` (approved or denied).

    An unknown id, or a row of another owner, is `NotFound(code=not_found)`; a row
    already decided is `IllegalTransition(*decided)` (message, code).
    """
    pk = parse_id(raw_id)
    if pk is None:
        raise NotFound(code=not_found)
    try:
        return transition(machine, owned, pk=pk, to=to, subject=subject)
    except ObjectDoesNotExist as exc:  # only the row's lookup in `transition` raises it
        raise NotFound(code=not_found) from exc
    except IllegalTransition as exc:
        message, code = decided
        raise IllegalTransition(message, code=code) from exc
