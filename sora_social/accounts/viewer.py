"""The `Viewer`: who is asking, built once per request and passed down to every app.

A view builds it with `viewer_of(request)` (cached on the request, so the teen
rule and the parental controls are read once however many services ask);
services and selectors of every app take `viewer: Viewer` where they used to
take a user and re-derive teen status. It carries:

- `id` and `user` (the member; `user` is None for the synthetic viewers below);
- `is_teen` (the age rule, `selectors.user_is_teen`);
- `controls`: the parental caps (`TeenControls`) for a teen, None for adults,
  read at most once, on first use;
- `blocked_ids`: everyone blocked either way, read at most once, on first use.

`member_of(request)` is the signed-in member of a request whose view required
one, typed `User`.

`Viewer.anonymous_teen()` is the strictest viewer (no id, teen rules): what
is safe for it is safe for everyone, e.g. the shared candidate set.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, cast

from django.http import HttpRequest
from rest_framework.request import Request

from sora_social.accounts.models import User
from sora_social.accounts.selectors import (
    TeenControls,
    blocked_user_ids,
    default_teen_controls,
    teen_controls,
    user_is_teen,
)


@dataclass(frozen=True, eq=False)
class Viewer:
    """Who is asking: member id, teen status, parental caps and blocks (the last two lazily)."""

    id: int
    is_teen: bool = False
    user: User | None = field(default=None, repr=False)

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(id=user.pk, is_teen=user_is_teen(user=user), user=user)

    @classmethod
    def anonymous_teen(cls) -> Viewer:
        """The strictest viewer (id 0 matches no member): what it may see, anyone may."""
        return cls(id=0, is_teen=True)

    @functools.cached_property
    def controls(self) -> TeenControls | None:
        """The parental caps for a teen (defaults when no parent set any); None for adults."""
        if not self.is_teen:
            return None
        if self.id == 0:
            return default_teen_controls()
        return teen_controls(user_id=self.id) or default_teen_controls()

    @functools.cached_property
    def blocked_ids(self) -> frozenset[int]:
        """Members blocked by or blocking the viewer: hidden from each other everywhere."""
        if self.id == 0:
            return frozenset()
        return frozenset(blocked_user_ids(user_id=self.id))


def member_of(request: HttpRequest | Request) -> User:
    """The signed-in member of a request whose view already required one (API permission, admin).

    `request.user` is typed "member or anonymous"; past `IsAuthenticated` or
    the admin's staff check it is a member, which the type cannot know.
    """
    return cast(User, request.user)


def viewer_of(request: Any) -> Viewer:
    """The request's viewer, built on first call and kept on the request for the rest of it."""
    viewer = getattr(request, "viewer", None)
    if not isinstance(viewer, Viewer):
        viewer = Viewer.of(request.user)
        request.viewer = viewer
    return viewer
