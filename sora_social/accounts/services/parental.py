"""Parental links: a parent starts a link, the teen accepts it with the one-time
code, and the parent then sets the teen's controls (read by other apps through
`selectors.teen_controls`)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sora_social.accounts.models import CameoAudience, ParentalLink, TeenSettings, User
from sora_social.accounts.selectors import user_is_teen
from sora_social.common.errors import Conflict, Forbidden, NotFound, ValidationFailed

LINK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LINK_CODE_LENGTH = 10
MAX_FEED_BUDGET_MIN = 24 * 60


@transaction.atomic
def parental_link_start(*, parent: User) -> ParentalLink:
    """An adult member starts a link; the teen accepts it with the returned code."""
    if user_is_teen(user=parent):
        raise Forbidden("Only adult members can be a parent on a link.", code="parent_must_be_adult")
    code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
    return ParentalLink.objects.create(
        parent=parent,
        code=code,
        expires_at=timezone.now() + dt.timedelta(hours=settings.PARENTAL_LINK_TTL_H),
    )


@transaction.atomic
def parental_link_accept(*, teen: User, code: str) -> ParentalLink:
    """The teen accepts; the code is spent. Unknown, used and expired codes are all 404."""
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    link = ParentalLink.objects.select_for_update().filter(code=normalized).first()
    if link is None or link.state != ParentalLink.State.PENDING or link.expires_at <= timezone.now():
        raise NotFound("No such parental link code.", code="parental_code_invalid")
    if link.parent_id == teen.pk:
        raise ValidationFailed("You cannot link to yourself.", code="cannot_link_self")
    if not user_is_teen(user=teen):
        raise Forbidden("Only teen accounts accept parental links.", code="not_a_teen")
    link.teen = teen
    link.state = ParentalLink.State.ACTIVE
    link.accepted_at = timezone.now()
    link.code = None
    try:
        with transaction.atomic():
            link.save(update_fields=["teen", "state", "accepted_at", "code"])
    except IntegrityError as exc:
        raise Conflict("This account already has a parent linked.", code="already_linked") from exc
    TeenSettings.objects.get_or_create(
        teen=teen, defaults={"daily_feed_budget": settings.TEEN_DAILY_FEED_BUDGET_MIN}
    )
    return link


@transaction.atomic
def parental_controls_update(
    *,
    link: ParentalLink,
    parent: User,
    daily_feed_budget: int | None = None,
    personalization_enabled: bool | None = None,
    dms_enabled: bool | None = None,
    cameo_audience_max: str | None = None,
) -> TeenSettings:
    """The linked parent changes the teen's controls. Anyone else sees 404."""
    link = ParentalLink.objects.select_for_update().filter(pk=link.pk).first()  # type: ignore[assignment]
    if link is None or link.parent_id != parent.pk or link.state != ParentalLink.State.ACTIVE:
        raise NotFound("No such parental link.")
    controls, _ = TeenSettings.objects.select_for_update().get_or_create(
        teen_id=link.teen_id, defaults={"daily_feed_budget": settings.TEEN_DAILY_FEED_BUDGET_MIN}
    )
    if daily_feed_budget is not None:
        if not 0 <= daily_feed_budget <= MAX_FEED_BUDGET_MIN:
            raise ValidationFailed(details={"daily_feed_budget": [f"Between 0 and {MAX_FEED_BUDGET_MIN}."]})
        controls.daily_feed_budget = daily_feed_budget
    if personalization_enabled is not None:
        controls.personalization_enabled = personalization_enabled
    if dms_enabled is not None:
        controls.dms_enabled = dms_enabled
    if cameo_audience_max is not None:
        if cameo_audience_max not in CameoAudience.values:
            raise ValidationFailed(
                details={"cameo_audience_max": [f"One of {', '.join(CameoAudience.values)}."]}
            )
        controls.cameo_audience_max = cameo_audience_max
    controls.updated_by = parent
    controls.save()
    return controls


@transaction.atomic
def teens_age_out(*, today: dt.date | None = None) -> int:
    """Clear `is_teen` for members who turned TEEN_UNTIL_AGE (daily task). One UPDATE."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET is_teen = false WHERE is_teen AND birthdate IS NOT NULL "
            "AND birthdate <= (%s::date - make_interval(years => %s))::date",
            [today, settings.TEEN_UNTIL_AGE],
        )
        return cursor.rowcount
