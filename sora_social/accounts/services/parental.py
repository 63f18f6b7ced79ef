"""Parental links: a parent starts a link, the teen accepts it with the one-time
code, the parent confirms by e-mail, and the parent then sets the teen's
controls (read by other apps through `selectors.teen_controls`).

Why the e-mail step: the code proves only that the teen typed what some adult
gave them. The link becomes active when the code mailed to the parent
account's address comes back, so a link needs a reachable address on record,
and the teen sees who the parent is (`selectors.parental_link_of_teen`) and
can report the link; moderators end it with `parental_link_end`.

Controls can only tighten: whatever a parent sets stays within the product's
teen floor (`TEEN_FLOOR_*`); there is nothing a parent can loosen past it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sora_social.accounts.models import AccountAction, CameoAudience, ParentalLink, TeenSettings, User
from sora_social.accounts.models.parental import CAMEO_AUDIENCE_ORDER
from sora_social.accounts.selectors import user_is_teen
from sora_social.common.errors import Conflict, Forbidden, NotFound, ValidationFailed

LINK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LINK_CODE_LENGTH = 10
# The widest cameo audience any teen may have, whatever a parent sets.
TEEN_FLOOR_CAMEO_AUDIENCE = CameoAudience.MUTUALS


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def parental_link_start(*, parent: User) -> ParentalLink:
    """An adult member starts a link; the teen accepts it with the returned code."""
    if user_is_teen(user=parent):
        raise Forbidden("Only adult members can be a parent on a link.", code="parent_must_be_adult")
    if not parent.email:
        # The link is confirmed by e-mail: without an address it could never become active.
        raise ValidationFailed("Add an e-mail address to your account first.", code="email_required")
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
    token = secrets.token_urlsafe(24)
    link.teen = teen
    link.state = ParentalLink.State.CONFIRMING
    link.accepted_at = timezone.now()
    link.code = None
    link.confirm_token_hash = _token_hash(token)
    link.expires_at = timezone.now() + dt.timedelta(hours=settings.PARENTAL_LINK_TTL_H)
    try:
        with transaction.atomic():
            link.save(
                update_fields=["teen", "state", "accepted_at", "code", "confirm_token_hash", "expires_at"]
            )
    except IntegrityError as exc:
        raise Conflict("This account already has a parent linked.", code="already_linked") from exc
    parent = link.parent
    # Sent on commit: no mail for a link that rolled back.
    transaction.on_commit(
        lambda: send_mail(
            subject="Confirm your parental link on Sora Social",
            message=(
                f"@{teen.username} accepted your parental link on Sora Social.\n\n"
                "If you are their parent or guardian, confirm it in the app (Settings, Family) "
                f"or by POST /api/v1/parental/links/confirm with this confirmation code: {token}\n\n"
                f"The code works once, only for your account, until {link.expires_at:%Y-%m-%d %H:%M} UTC. "
                "If you did not start this link, ignore this message; nothing happens without it."
            ),
            from_email=None,
            recipient_list=[parent.email],
        )
    )
    return link


@transaction.atomic
def parental_link_confirm(*, parent: User, token: str) -> ParentalLink:
    """The parent confirms with the e-mailed code; the link becomes active. Single use.

    Unknown, used, expired codes and codes of another account's link are all 404.
    """
    token = (token or "").strip()
    link = (
        ParentalLink.objects.select_for_update()
        .filter(
            confirm_token_hash=_token_hash(token), parent_id=parent.pk, state=ParentalLink.State.CONFIRMING
        )
        .first()
        if token
        else None
    )
    if link is None or link.expires_at <= timezone.now():
        raise NotFound("No such parental link confirmation.", code="parental_confirmation_invalid")
    link.state = ParentalLink.State.ACTIVE
    link.confirmed_at = timezone.now()
    link.confirm_token_hash = None
    link.save(update_fields=["state", "confirmed_at", "confirm_token_hash"])
    TeenSettings.objects.get_or_create(
        teen_id=link.teen_id, defaults={"daily_feed_budget": settings.TEEN_DAILY_FEED_BUDGET_MIN}
    )
    return link


@transaction.atomic
def parental_link_end(*, link_id: int, actor: User | None, reason: str) -> ParentalLink:
    """A moderator ends a link (the teen reported it, or review found it wrong).

    The teen's controls go back to the defaults: what the parent set no
    longer applies, and the defaults are the floor.
    """
    link = ParentalLink.objects.select_for_update().filter(pk=link_id).first()
    if link is None:
        raise NotFound("No such parental link.")
    if link.state == ParentalLink.State.REVOKED:
        return link
    if not reason or not reason.strip():
        raise ValidationFailed("A reason is required.", code="reason_required")
    link.state = ParentalLink.State.REVOKED
    link.ended_at = timezone.now()
    link.end_reason = reason[:300]
    link.code = None
    link.confirm_token_hash = None
    link.save(update_fields=["state", "ended_at", "end_reason", "code", "confirm_token_hash"])
    if link.teen_id:
        TeenSettings.objects.filter(teen_id=link.teen_id).delete()
    AccountAction.objects.create(
        kind=AccountAction.Kind.PARENTAL_LINK_END,
        actor=actor if getattr(actor, "pk", None) else None,
        target_id=link.teen_id,
        reason=reason,
        affected=1,
        details={"link_id": str(link.pk), "parent_id": str(link.parent_id)},
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
    dms_audience: str | None = None,
    cameo_audience_max: str | None = None,
) -> TeenSettings:
    """The linked parent changes the teen's controls. Anyone else sees 404."""
    locked = ParentalLink.objects.select_for_update().filter(pk=link.pk).first()
    if locked is None or locked.parent_id != parent.pk or locked.state != ParentalLink.State.ACTIVE:
        raise NotFound("No such parental link.")
    link = locked
    controls, _ = TeenSettings.objects.select_for_update().get_or_create(
        teen_id=link.teen_id, defaults={"daily_feed_budget": settings.TEEN_DAILY_FEED_BUDGET_MIN}
    )
    # Checked in full before anything changes: a refused field changes nothing.
    errors: dict[str, list[str]] = {}
    ceiling = settings.TEEN_DAILY_FEED_BUDGET_MIN
    if daily_feed_budget is not None and not 0 <= daily_feed_budget <= ceiling:
        errors["daily_feed_budget"] = [
            f"A parent can set 0 to {ceiling} minutes; more is past the teen limit."
        ]
    if cameo_audience_max is not None:
        allowed = CAMEO_AUDIENCE_ORDER[: CAMEO_AUDIENCE_ORDER.index(TEEN_FLOOR_CAMEO_AUDIENCE) + 1]
        if cameo_audience_max not in allowed:
            errors["cameo_audience_max"] = [f"One of {', '.join(allowed)}; wider is past the teen limit."]
    if errors:
        raise ValidationFailed("Parents can tighten a teen's controls, not loosen them.", details=errors)
    if daily_feed_budget is not None:
        controls.daily_feed_budget = daily_feed_budget
    if personalization_enabled is not None:
        controls.personalization_enabled = personalization_enabled
    if dms_enabled is not None:
        controls.dms_enabled = dms_enabled
    if dms_audience is not None:
        controls.dms_audience = dms_audience
    if cameo_audience_max is not None:
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
        aged_out: int = cursor.rowcount
        return aged_out
