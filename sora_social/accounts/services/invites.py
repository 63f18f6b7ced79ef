"""Invite codes, signup by redeeming one, and the waitlist.

Redemption is atomic: the code row is locked (`SELECT … FOR UPDATE`) inside
the transaction that creates the member, so of any number of concurrent
signups with one code exactly one commits; the rest then read the code as
redeemed and get `invite_already_used`. Failed redemptions are recorded (in
their own transaction, after the signup's rolled back), logged, and counted
per IP and per device id; past the limit, further attempts get 429.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sora_social.accounts.models import AccountAction, InviteAttempt, InviteCode, User, WaitlistEntry
from sora_social.accounts.models.users import child_path, root_path
from sora_social.accounts.selectors import age_on
from sora_social.accounts.services.tree import ancestors_add, lock_trees
from sora_social.accounts.usernames import normalize_username, username_skeleton
from sora_social.common.errors import ApplicationError, Conflict, Forbidden, RateLimited, ValidationFailed
from sora_social.common.ids import new_id

logger = logging.getLogger("sora_social.accounts.invites")

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


def _insert_codes(
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
    return _insert_codes([user.id] * missing)


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
        _check_staff_issue(
            actor=actor,
            permission="accounts.issue_invites",
            reason=reason,
            count=count,
            per_action=settings.INVITE_ADMIN_MAX_PER_ACTION,
        )
    codes = _insert_codes([None] * count, issued_by=actor, note=note)
    AccountAction.objects.create(
        kind=AccountAction.Kind.ROOT_CODES_ISSUE,
        actor=actor,
        reason=reason.strip() or note or "root codes",
        affected=count,
        details={"code_ids": [str(c.id) for c in codes], "note": note},
    )
    return codes


_STAFF_ISSUE_KINDS = (AccountAction.Kind.ROOT_CODES_ISSUE, AccountAction.Kind.WAITLIST_ADMIT)
_DAY = dt.timedelta(hours=24)


def _check_staff_issue(*, actor: User, permission: str, reason: str, count: int, per_action: int) -> None:
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


# --- failed-redemption throttle ---------------------------------------------------


def network_of(ip: str | None) -> str:
    if not ip:
        return ""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _throttle_keys(ip: str | None, device_id: str) -> list[str]:
    keys = []
    if ip:
        keys.append(f"invite-fail:ip:{ip}")
    if device_id:
        keys.append(f"invite-fail:dev:{device_id}")
    return keys


def _throttle_check(ip: str | None, device_id: str) -> None:
    limit = settings.INVITE_FAILED_LIMIT
    counts = cache.get_many(_throttle_keys(ip, device_id))
    if any(int(v) >= limit for v in counts.values()):
        raise RateLimited(
            "Too many failed invite codes; try again later.",
            code="invite_attempts_throttled",
            retry_after=settings.INVITE_FAILED_WINDOW_S,
        )


def _throttle_count_failure(ip: str | None, device_id: str) -> None:
    for key in _throttle_keys(ip, device_id):
        # add() starts the window only once; incr() keeps its expiry.
        cache.add(key, 0, timeout=settings.INVITE_FAILED_WINDOW_S)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.INVITE_FAILED_WINDOW_S)


# --- signup -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupResult:
    user: User | None = None
    waitlisted: WaitlistEntry | None = None


class _InviteFailure(ApplicationError):
    def __init__(
        self, message: str, *, code: str, outcome: str, status: int = 400, code_id: int | None = None
    ):
        super().__init__(message, code=code, status=status)
        self.outcome = outcome
        self.code_id = code_id


class _TreeMoved(Exception):
    """The inviter's tree changed (reparented) while we waited for its lock: start again."""


_CONFUSABLE = "This username looks like another member's; choose another."


def _validate_fields(*, username: str, email: str, password: str, region: str) -> None:
    errors: dict[str, list[str]] = {}
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        errors["username"] = exc.messages
    if not username or len(username) > 150:
        errors.setdefault("username", []).append("Between 1 and 150 characters.")
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        errors["email"] = exc.messages
    try:
        validate_password(password, User(username=username, email=email))
    except DjangoValidationError as exc:
        errors["password"] = exc.messages
    if len(region) != 2 or not region.isalpha():
        errors["region"] = ["A two-letter country code."]
    if errors:
        raise ValidationFailed(details=errors)


def user_signup(
    *,
    invite_code: str,
    username: str,
    email: str,
    password: str,
    birthdate: dt.date,
    region: str,
    ip: str | None = None,
    device_id: str = "",
    today: dt.date | None = None,
) -> SignupResult:
    """Create a member by redeeming an invite code, or put them on the waitlist.

    Order of refusals: fields, then age (under SIGNUP_MIN_AGE: refused, nothing
    stored), then region (not open: waitlisted, the code untouched), then the
    failed-attempt throttle, then the code itself.
    """
    region = region.strip().upper()
    username = normalize_username(username)
    email = email.strip()
    device_id = device_id.strip()[:64]
    _validate_fields(username=username, email=email, password=password, region=region)
    today = today or timezone.localdate()
    if birthdate > today:
        raise ValidationFailed(details={"birthdate": ["In the future."]})
    age = age_on(birthdate, today)
    if age < settings.SIGNUP_MIN_AGE:
        raise ValidationFailed(
            f"You must be at least {settings.SIGNUP_MIN_AGE} to join.",
            code="under_minimum_age",
            details={"minimum_age": settings.SIGNUP_MIN_AGE},
        )
    if region not in settings.SIGNUP_REGIONS:
        return SignupResult(waitlisted=waitlist_join(email=email, region=region))

    code = normalize_code(invite_code)
    try:
        _throttle_check(ip, device_id)
    except RateLimited:
        _record_attempt(code, None, ip, device_id, InviteAttempt.Outcome.THROTTLED)
        logger.warning("invite redemption throttled ip=%s device=%s", ip, device_id or "-")
        raise

    for _ in range(3):
        try:
            user = _redeem(
                code=code,
                username=username,
                email=email,
                password=password,
                birthdate=birthdate,
                region=region,
                is_teen=age < settings.TEEN_UNTIL_AGE,
                ip=ip,
                device_id=device_id,
            )
            return SignupResult(user=user)
        except _TreeMoved:
            continue
        except _InviteFailure as exc:
            _record_attempt(code, exc.code_id, ip, device_id, exc.outcome)
            if exc.outcome != InviteAttempt.Outcome.REFUSED:
                _throttle_count_failure(ip, device_id)
                logger.warning(
                    "invite redemption failed: %s code=%s… ip=%s device=%s",
                    exc.code,
                    code[:4],
                    ip,
                    device_id or "-",
                )
            raise
    raise Conflict("The invite tree is being changed; try again.", code="try_again")


def _record_attempt(code: str, code_id: int | None, ip: str | None, device_id: str, outcome: str) -> None:
    InviteAttempt.objects.create(
        code_tried=code[:32],
        code_id=code_id,
        ip=ip,
        network=network_of(ip),
        device_id=device_id,
        outcome=outcome,
    )


@transaction.atomic
def _redeem(
    *,
    code: str,
    username: str,
    email: str,
    password: str,
    birthdate: dt.date,
    region: str,
    is_teen: bool,
    ip: str | None,
    device_id: str,
) -> User:
    found = InviteCode.objects.filter(code=code).values("pk", "owner_id").first()
    if found is None:
        raise _InviteFailure(
            "This invite code does not exist.", code="invalid_invite_code", outcome="unknown", status=400
        )
    owner: User | None = None
    if found["owner_id"] is not None:
        # Lock order: tree root, then the code (see services/tree.py).
        root_id = (
            User.objects.filter(pk=found["owner_id"]).values_list("invite_root_id", flat=True).first()
        ) or found["owner_id"]
        lock_trees([root_id])
        owner = User.objects.get(pk=found["owner_id"])
        if owner.tree_root_id != root_id:
            raise _TreeMoved
    invite = InviteCode.objects.select_for_update().get(pk=found["pk"])
    if invite.state == InviteCode.State.REDEEMED:
        raise _InviteFailure(
            "This invite code has already been used.",
            code="invite_already_used",
            outcome="already_used",
            status=409,
            code_id=invite.pk,
        )
    if invite.state == InviteCode.State.DISABLED or (
        owner is not None and (not owner.is_active or not owner.can_invite or owner.invite_path is None)
    ):
        raise _InviteFailure(
            "This invite code can no longer be used.",
            code="invite_disabled",
            outcome="disabled",
            status=409,
            code_id=invite.pk,
        )
    if User.objects.filter(username__iexact=username).exists():
        raise _InviteFailure(
            "This username is taken.", code="username_taken", outcome="refused", status=409, code_id=invite.pk
        )
    if User.objects.filter(username_skeleton=username_skeleton(username)).exists():
        raise _InviteFailure(
            _CONFUSABLE, code="username_confusable", outcome="refused", status=409, code_id=invite.pk
        )

    user_id = new_id()
    if owner is not None:
        User.objects.filter(pk=owner.pk).update(invite_children_seq=F("invite_children_seq") + 1)
        seq = User.objects.filter(pk=owner.pk).values_list("invite_children_seq", flat=True).get()
        path = child_path(owner.invite_path, seq)  # type: ignore[arg-type]
        depth = owner.invite_depth + 1
        root_id = owner.tree_root_id
    else:
        path, depth, root_id = root_path(user_id), 0, None
    user = User(
        id=user_id,
        username=username,
        email=email,
        birthdate=birthdate,
        region=region,
        is_teen=is_teen,
        inviter=owner,
        invite_root_id=root_id,
        invite_depth=depth,
        invite_path=path,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as exc:
        # A concurrent signup took the name, or a lookalike of it, first.
        confusable = "username_skeleton" in str(exc)
        raise _InviteFailure(
            _CONFUSABLE if confusable else "This username is taken.",
            code="username_confusable" if confusable else "username_taken",
            outcome="refused",
            status=409,
            code_id=invite.pk,
        ) from exc
    if owner is not None:
        ancestors_add(path=owner.invite_path, delta=1)  # type: ignore[arg-type]
    invite.state = InviteCode.State.REDEEMED
    invite.redeemed_by = user
    invite.redeemed_at = timezone.now()
    invite.save(update_fields=["state", "redeemed_by", "redeemed_at"])
    invite_codes_issue(user=user)
    InviteAttempt.objects.create(
        code_tried=code,
        code=invite,
        ip=ip,
        network=network_of(ip),
        device_id=device_id,
        outcome=InviteAttempt.Outcome.REDEEMED,
    )
    logger.info("member %s joined with a code of %s", user.pk, owner.pk if owner else "staff")
    return user


# --- waitlist ----------------------------------------------------------------------


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
        _check_staff_issue(
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
    codes = _insert_codes([None] * len(entries), issued_by=actor, note=f"waitlist {region}")
    now = timezone.now()
    for entry, code in zip(entries, codes, strict=True):
        entry.admitted_at = now
        entry.code = code
    WaitlistEntry.objects.bulk_update(entries, ["admitted_at", "code"])
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
    return AccountAction.objects.create(
        kind=AccountAction.Kind.WAITLIST_ADMIT,
        actor=actor,
        reason=reason,
        affected=len(entries),
        details={"region": region, "entry_ids": [str(e.id) for e in entries]},
    )
