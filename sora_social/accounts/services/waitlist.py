"""The waitlist: joining it, and staff admitting a wave of it (a root code each, e-mailed)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sora_social.accounts.models import AccountAction, InviteCode, User, WaitlistEntry
from sora_social.accounts.services.invites import check_staff_issue, insert_codes
from sora_social.common.errors import ValidationFailed


@transaction.atomic
def waitlist_join(*, email: str, region: str) -> WaitlistEntry:
    """Join the waitlist (idempotent per e-mail; the first region given is kept)."""
    email = email.strip().lower()
    region = region.strip().upper()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"email": exc.messages}) from exc
    if len(region) != 2 or not region.isalpha():
        raise ValidationFailed(details={"region": ["A two-letter country code."]})
    entry, _ = WaitlistEntry.objects.get_or_create(email=email, defaults={"region": region})
    return entry


@transaction.atomic
def waitlist_admit(
    *, region: str, count: int, actor: User | None, dry_run: bool = False, reason: str = ""
) -> AccountAction:
    """Admit the next `count` waiting people of `region`: a root code each, e-mailed on commit.

    A staff `actor` needs the `open_waitlist_wave` permission and a reason; a
    wave admits at most WAITLIST_WAVE_MAX, and its codes count against the
    member's INVITE_ADMIN_DAILY_CAP.
    """
    region = region.strip().upper()
    if count < 1:
        raise ValidationFailed("count must be at least 1.", code="bad_count")
    waiting = WaitlistEntry.objects.filter(region=region, admitted_at__isnull=True).order_by("id")
    if actor is not None:
        check_staff_issue(
            actor=actor,
            permission="accounts.open_waitlist_wave",
            reason=reason,
            count=0 if dry_run else min(count, waiting.count()),
            per_action=settings.WAITLIST_WAVE_MAX,
        )
        if count > settings.WAITLIST_WAVE_MAX:
            raise ValidationFailed(
                f"At most {settings.WAITLIST_WAVE_MAX} at once.",
                code="over_action_cap",
                details={"max": settings.WAITLIST_WAVE_MAX},
            )
    wave = f"admit next {count} from {region}"
    reason = f"{reason.strip()} ({wave})" if reason.strip() else wave
    if dry_run:
        n = min(count, waiting.count())
        return AccountAction.objects.create(
            kind=AccountAction.Kind.WAITLIST_ADMIT,
            actor=actor,
            reason=reason,
            affected=n,
            dry_run=True,
            details={"region": region},
        )
    # SKIP LOCKED: two staff admitting the same region at once admit different people.
    entries = list(waiting.select_for_update(skip_locked=True)[:count])
    codes = insert_codes([None] * len(entries), issued_by=actor, note=f"waitlist {region}")
    now = timezone.now()
    for entry, code in zip(entries, codes, strict=True):
        entry.admitted_at = now
        entry.code = code
    WaitlistEntry.objects.bulk_update(entries, ["admitted_at", "code"])
    _email_codes_on_commit(entries, codes)
    return AccountAction.objects.create(
        kind=AccountAction.Kind.WAITLIST_ADMIT,
        actor=actor,
        reason=reason,
        affected=len(entries),
        details={"region": region, "entry_ids": [str(e.id) for e in entries]},
    )


def _email_codes_on_commit(entries: list[WaitlistEntry], codes: list[InviteCode]) -> None:
    """Each admitted person gets their code by e-mail, once the admission is committed."""
    messages = [
        (
            "Your Sora Social invite",
            f"You're in! Sign up in the app with this invite code: {code.display}\n",
            settings.DEFAULT_FROM_EMAIL,
            [entry.email],
        )
        for entry, code in zip(entries, codes, strict=True)
    ]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
