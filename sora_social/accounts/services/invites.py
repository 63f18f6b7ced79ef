"""Invite codes: issuing members' codes and root codes, and the staff issuance caps.

Signup by redeeming a code is in `signup`, the failed-redemption throttle in
`invite_attempts`, the waitlist in `waitlist`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sora_social.accounts.models import AccountAction, InviteCode, User
from sora_social.common.errors import ApplicationError, Forbidden, RateLimited, ValidationFailed

# No 0/O, 1/I/L: codes are read aloud and typed from screenshots.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 12 symbols of 31 = 59.4 bits: guessing one live code among millions at the
# throttled rate takes longer than the codes exist.
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """Upper case without separators or spaces, as codes are stored."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())[:32]


def insert_codes(
    owner_ids: list[int | None], *, issued_by: User | None = None, note: str = ""
) -> list[InviteCode]:
    """Insert one fresh code per entry; a (vanishingly rare) collision retries in a savepoint."""
    for _ in range(5):
        rows = [InviteCode(code=new_code(), owner_id=o, issued_by=issued_by, note=note) for o in owner_ids]
        try:
            with transaction.atomic():
                return InviteCode.objects.bulk_create(rows)
        except IntegrityError:
            continue
    raise ApplicationError("Could not issue invite codes.", code="code_issue_failed", status=503)


@transaction.atomic
def invite_codes_issue(*, user: User) -> list[InviteCode]:
    """Top the member up to exactly INVITES_PER_USER codes (whatever their state). Idempotent."""
    have = InviteCode.objects.filter(owner=user).count()
    missing = settings.INVITES_PER_USER - have
    if missing <= 0 or not user.is_active or user.invite_path is None:
        return []
    return insert_codes([user.id] * missing)


@transaction.atomic
def invite_root_codes_create(
    *, count: int, actor: User | None, note: str = "", reason: str = ""
) -> list[InviteCode]:
    """Codes that belong to no inviter: whoever redeems one becomes a tree root.

    A staff `actor` needs the `issue_invites` permission and a reason, and is
    held to INVITE_ADMIN_MAX_PER_ACTION per call and INVITE_ADMIN_DAILY_CAP per
    24 hours. `actor=None` is the operator's `manage.py invites create`.
    """
    if not 1 <= count <= 10_000:
        raise ValidationFailed("count must be between 1 and 10000.", code="bad_count")
    if actor is not None:
        check_staff_issue(
            actor=actor,
            permission="accounts.issue_invites",
            reason=reason,
            count=count,
            per_action=settings.INVITE_ADMIN_MAX_PER_ACTION,
        )
    codes = insert_codes([None] * count, issued_by=actor, note=note)
    AccountAction.objects.create(
        kind=AccountAction.Kind.ROOT_CODES_ISSUE,
        actor=actor,
        reason=reason.strip() or note or "root codes",
        affected=count,
        details={"code_ids": [str(c.id) for c in codes], "note": note},
    )
    return codes


def invite_codes_disable(*, codes: QuerySet[InviteCode]) -> int:
    """Disable the available codes among `codes` (one UPDATE); how many were disabled."""
    return codes.filter(state=InviteCode.State.AVAILABLE).update(state=InviteCode.State.DISABLED)


_STAFF_ISSUE_KINDS = (AccountAction.Kind.ROOT_CODES_ISSUE, AccountAction.Kind.WAITLIST_ADMIT)
_DAY = dt.timedelta(hours=24)


def check_staff_issue(*, actor: User, permission: str, reason: str, count: int, per_action: int) -> None:
    """Permission, reason, the per-action cap and the rolling 24-hour cap of one staff member.

    The actor's row is locked first, so two concurrent issuances by the same
    member are counted one after the other and cannot both slip under the cap.
    """
    if not actor.has_perm(permission):
        raise Forbidden(f"This needs the {permission} permission.", code="permission_denied")
    if not reason.strip():
        raise ValidationFailed("Give a reason; it is kept in the audit trail.", code="reason_required")
    if count > per_action:
        raise ValidationFailed(
            f"At most {per_action} at once.", code="over_action_cap", details={"max": per_action}
        )
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
    now = timezone.now()
    recent = AccountAction.objects.filter(
        actor=actor, kind__in=_STAFF_ISSUE_KINDS, dry_run=False, created_at__gte=now - _DAY
    )
    issued = sum(recent.values_list("affected", flat=True))
    cap = settings.INVITE_ADMIN_DAILY_CAP
    if issued + count > cap:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        retry_after = int(((oldest or now) + _DAY - now).total_seconds())
        raise RateLimited(
            f"Daily cap reached: {issued} of {cap} codes issued in the last 24 hours; "
            f"{max(0, cap - issued)} left.",
            code="over_daily_cap",
            retry_after=retry_after,
        )
