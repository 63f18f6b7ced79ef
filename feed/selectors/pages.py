"""What a paged listing is: a `Pager` a service serves within a teen's daily budget.

Every feed-like listing (For you, Following, a member's posts, remixes,
lineage) is read as a `Pager`: called with how many items may be served and
whether personal ranking is allowed, it returns one `Page`. Reading never
writes: `feed.services.serving.page_serve` reserves the budget around the
call and asks for a refresh when a page says its ranking is `stale`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Page:
    """One page of items (already in API shape), the cursor of the next, and whether the
    member's ranked set is stale (For you only: a service asks a worker to rank again)."""

    results: list[dict[str, Any]] = field(default_factory=list)
    next: str | None = None
    stale: bool = False


class Pager(Protocol):
    def __call__(self, limit: int, personal: bool) -> Page: ...
