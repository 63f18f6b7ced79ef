"""Typed references to what moderation acts on, and the adapters that render them.

Moderation never imports the apps that own posts, comments or cameos. Each
owning app registers a `SubjectAdapter` for its kind from its
`AppConfig.ready()`:

    from moderation.registry import register_subject
    register_subject("post", PostSubjects())

The adapter answers, in the owner's terms: does the object exist (reports on
unknown ids are 404), who owns it, how many people it reaches (case priority),
how the admin shows it (title, text, video URL), its lineage and its credits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from django.db.models import Model

from sora_social.accounts.models import User
from sora_social.accounts.selectors import (
    blocked_either_way,
    parental_link_get,
    parental_link_is_party,
    parental_link_reportable,
    user_get,
)
from sora_social.common.errors import NotFound

if TYPE_CHECKING:
    from sora_social.accounts.models import ParentalLink


@dataclass(frozen=True)
class SubjectRef:
    """What a case, report or verdict is about: a kind and an id."""

    kind: str
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class SubjectView:
    """How the admin shows a subject."""

    title: str
    owner_id: int | None = None
    text: str = ""
    video_url: str | None = None
    image_url: str | None = None
    admin_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class SubjectAdapter(Protocol):
    def exists(self, object_id: int) -> bool:
        """Whether the object exists and may be reported."""
        ...

    def visible_to(self, object_id: int, user: User) -> bool:
        """Whether `user` may see the object (reports on objects they may not see are 404, as for
        unknown ids, so ids do not leak)."""
        ...

    def owner_id(self, object_id: int) -> int | None:
        """The member responsible for the object (who gets strikes)."""
        ...

    def reach(self, object_id: int) -> int:
        """How many people it reaches (views, followers); drives priority."""
        ...

    def render(self, object_id: int) -> SubjectView: ...

    def lineage(self, object_id: int) -> list[SubjectView]:
        """Ancestors, root first (remix chains); empty where the kind has none."""
        ...

    def credits(self, object_id: int) -> list[SubjectView]:
        """People and cameos credited in the object."""
        ...


_ADAPTERS: dict[str, SubjectAdapter] = {}


def register_subject(kind: str, adapter: SubjectAdapter) -> None:
    """Register (or replace) the adapter of a subject kind."""
    if not kind.isidentifier() or kind != kind.lower():
        raise ValueError(f"subject kind must be a lowercase identifier, got {kind!r}")
    _ADAPTERS[kind] = adapter


def unregister_subject(kind: str) -> None:
    _ADAPTERS.pop(kind, None)


def subject_kinds() -> list[str]:
    return sorted(_ADAPTERS)


def adapter_for(kind: str) -> SubjectAdapter:
    try:
        return _ADAPTERS[kind]
    except KeyError:
        raise NotFound(f"Unknown subject kind {kind!r}.", code="unknown_subject_kind") from None


def resolve(kind: str, object_id: int | None, *, viewer: User | None = None) -> SubjectRef:
    """A reference to an existing subject, or NotFound (unknown kind or id).

    With a `viewer` (a member reporting), the subject must also be one they
    may see: anything else answers exactly like an unknown id.
    """
    adapter = adapter_for(kind)
    if object_id is None or not adapter.exists(object_id):
        raise NotFound()
    if viewer is not None:
        visible_to = getattr(adapter, "visible_to", None)
        if visible_to is not None and not visible_to(object_id, viewer):
            raise NotFound()
    return SubjectRef(kind=kind, id=object_id)


class NoRelatives:
    """Adapter part for a kind with no remix chain and nobody credited: empty lineage and credits."""

    def lineage(self, object_id: int) -> list[SubjectView]:
        return []

    def credits(self, object_id: int) -> list[SubjectView]:
        return []


class RowSubject:
    """Adapter part for a kind that is one row of `model`: it exists while the row does, and its
    member is the row's `owner_field`."""

    model: ClassVar[type[Model]]
    owner_field: ClassVar[str]

    def exists(self, object_id: int) -> bool:
        return self.model._default_manager.filter(pk=object_id).exists()

    def owner_id(self, object_id: int) -> int | None:
        owner: int | None = (
            self.model._default_manager.filter(pk=object_id).values_list(self.owner_field, flat=True).first()
        )
        return owner


class UserSubjects(NoRelatives):
    """Members as subjects of reports (profiles, behaviour)."""

    def _user(self, object_id: int) -> User | None:
        try:
            return user_get(user_id=object_id)
        except NotFound:
            return None

    def exists(self, object_id: int) -> bool:
        return self._user(object_id) is not None

    def visible_to(self, object_id: int, user: User) -> bool:
        return object_id == user.pk or not blocked_either_way(a_id=user.pk, b_id=object_id)

    def owner_id(self, object_id: int) -> int | None:
        return object_id

    def reach(self, object_id: int) -> int:
        return 1

    def render(self, object_id: int) -> SubjectView:
        user = self._user(object_id)
        if user is None:
            return SubjectView(title=f"deleted member {object_id}")
        return SubjectView(
            title=f"@{user.username}",
            owner_id=user.pk,
            text=getattr(user, "bio", ""),
            admin_url=f"/admin/accounts/user/{user.pk}/change/",
        )


PARENTAL_LINK = "parental_link"


class ParentalLinkSubjects(NoRelatives):
    """Parental links as subjects: the teen (or the parent) reports a link; a moderator's
    `remove` ends it through `accounts.services.parental_link_end`. Only the two members
    on a link may report it; anyone else gets 404."""

    def _link(self, object_id: int) -> ParentalLink | None:
        return parental_link_get(link_id=object_id)

    def exists(self, object_id: int) -> bool:
        return parental_link_reportable(link_id=object_id)

    def visible_to(self, object_id: int, user: User) -> bool:
        return parental_link_is_party(link_id=object_id, user_id=user.pk)

    def owner_id(self, object_id: int) -> int | None:
        # The parent is who a strike or an account action on this link concerns.
        link = self._link(object_id)
        return link.parent_id if link else None

    def reach(self, object_id: int) -> int:
        return 1

    def render(self, object_id: int) -> SubjectView:
        link = self._link(object_id)
        if link is None:
            return SubjectView(title=f"deleted parental link {object_id}")
        teen = f"@{link.teen.username}" if link.teen else "(no teen)"
        return SubjectView(
            title=f"Parental link @{link.parent.username} → {teen}",
            owner_id=link.parent_id,
            admin_url=f"/admin/accounts/parentallink/{link.pk}/change/",
            extra={"state": link.state, "teen_id": str(link.teen_id), "confirmed_at": str(link.confirmed_at)},
        )
