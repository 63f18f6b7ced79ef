"""Teens: the age rule, parental controls and links, and who may contact whom (the teen and block rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sora_social.accounts.models import Follow, ParentalLink, TeenSettings, User
from sora_social.accounts.models.parental import DmAudience
from sora_social.accounts.selectors.graph import block_exists, mutual_follow_exists
from sora_social.common.errors import NotFound
from sora_social.common.ids import parse_id


def age_on(birthdate: dt.date, today: dt.date) -> int:
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))


@dataclass(frozen=True)
class TeenControls:
    """A teen's controls, as set by a linked parent or the defaults."""

    daily_feed_budget: int  # minutes a day
    personalization_enabled: bool
    dms_enabled: bool
    cameo_audience_max: str  # "only_me" | "approved" | "mutuals" | "everyone"
    dms_audience: str = "everyone"  # "everyone" | "mutuals" (while dms_enabled)


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
            "teen_settings__dms_audience",
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
        dms_audience=row["teen_settings__dms_audience"],
    )


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


def parental_link_get(*, link_id: int) -> ParentalLink | None:
    """A link by id with both members (for moderation's review of a reported link); None if unknown."""
    return ParentalLink.objects.select_related("parent", "teen").filter(pk=link_id).first()


def parental_link_reportable(*, link_id: int) -> bool:
    """Whether the link exists with a teen on it (what a report may name)."""
    return ParentalLink.objects.filter(pk=link_id, teen__isnull=False).exists()


def parental_link_is_party(*, link_id: int, user_id: int) -> bool:
    """Whether the member is the teen or the parent of the link while it is being confirmed or active."""
    live = [ParentalLink.State.CONFIRMING, ParentalLink.State.ACTIVE]
    return (
        ParentalLink.objects.filter(pk=link_id, state__in=live)
        .filter(Q(teen_id=user_id) | Q(parent_id=user_id))
        .exists()
    )


def parental_link_of_parent(*, link_id: object, parent_id: int) -> ParentalLink:
    """A link the parent started, by id; anyone else's, unknown and malformed ids are all 404."""
    pk = parse_id(link_id)
    link = ParentalLink.objects.filter(pk=pk, parent_id=parent_id).first() if pk else None
    if link is None:
        raise NotFound("No such parental link.")
    return link


def uncontactable_ids(
    *, sender: User, recipient_ids: Iterable[int], direct_message: bool = False
) -> set[int]:
    """Of `recipient_ids`, those `sender` may not contact (comment on, mention, message): one query.

    Blocked either way: nobody. A teen: only adults the teen follows (and
    other teens). For direct messages, also nobody when a parent turned the
    teen's DMs off, and only mutuals when a parent limited them to mutuals.
    This is the one place the rule lives; comments, mentions
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
        refused |= Q(is_teen=True, teen_settings__dms_audience=DmAudience.MUTUALS) & ~Q(
            mutual_follow_exists(a=OuterRef("pk"), b=sender.pk)
        )
    return set(User.objects.filter(pk__in=ids).filter(refused).values_list("pk", flat=True))


def may_contact(*, sender: User, recipient_id: int, direct_message: bool = False) -> bool:
    """Whether `sender` may contact the member (see `uncontactable_ids`)."""
    refused = uncontactable_ids(sender=sender, recipient_ids=[recipient_id], direct_message=direct_message)
    return recipient_id not in refused
