"""Signup: create a member by redeeming an invite code (or waitlist them).

Redemption is atomic: the code row is locked (`SELECT … FOR UPDATE`) inside
the transaction that creates the member, so of any number of concurrent
signups with one code exactly one commits; the rest then read the code as
redeemed and get `invite_already_used`. Failed redemptions are recorded (in
their own transaction, after the signup's rolled back), logged, and counted
per IP and per device id (`invite_attempts`); past the limit, further
attempts get 429.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sora_social.accounts.models import InviteAttempt, InviteCode, User, WaitlistEntry
from sora_social.accounts.models.users import child_path, root_path
from sora_social.accounts.selectors import age_on
from sora_social.accounts.services.invite_attempts import (
    network_of,
    record_attempt,
    throttle_check,
    throttle_count_failure,
)
from sora_social.accounts.services.invites import invite_codes_issue, normalize_code
from sora_social.accounts.services.tree import ancestors_add, lock_trees
from sora_social.accounts.services.waitlist import waitlist_join
from sora_social.accounts.usernames import normalize_username, username_skeleton
from sora_social.common.errors import ApplicationError, Conflict, RateLimited, ValidationFailed
from sora_social.common.ids import new_id

logger = logging.getLogger("sora_social.accounts.invites")


@dataclass(frozen=True)
class SignupResult:
    user: User | None = None
    waitlisted: WaitlistEntry | None = None


@dataclass(frozen=True)
class _Applicant:
    """The validated fields of a signup."""

    username: str
    email: str
    password: str
    birthdate: dt.date
    region: str
    is_teen: bool


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


def _check_age(birthdate: dt.date, today: dt.date) -> int:
    """The applicant's age; refused (nothing stored) when in the future or under SIGNUP_MIN_AGE."""
    if birthdate > today:
        raise ValidationFailed(details={"birthdate": ["In the future."]})
    age = age_on(birthdate, today)
    if age < settings.SIGNUP_MIN_AGE:
        raise ValidationFailed(
            f"You must be at least {settings.SIGNUP_MIN_AGE} to join.",
            code="under_minimum_age",
            details={"minimum_age": settings.SIGNUP_MIN_AGE},
        )
    return age


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
    age = _check_age(birthdate, today or timezone.localdate())
    if region not in settings.SIGNUP_REGIONS:
        return SignupResult(waitlisted=waitlist_join(email=email, region=region))

    code = normalize_code(invite_code)
    try:
        throttle_check(ip, device_id)
    except RateLimited:
        record_attempt(code, None, ip, device_id, InviteAttempt.Outcome.THROTTLED)
        logger.warning("invite redemption throttled ip=%s device=%s", ip, device_id or "-")
        raise
    applicant = _Applicant(
        username=username,
        email=email,
        password=password,
        birthdate=birthdate,
        region=region,
        is_teen=age < settings.TEEN_UNTIL_AGE,
    )
    return SignupResult(user=_redeem_with_retries(code=code, applicant=applicant, ip=ip, device_id=device_id))


def _redeem_with_retries(*, code: str, applicant: _Applicant, ip: str | None, device_id: str) -> User:
    """`_redeem`, again when the inviter's tree moved; a failure is recorded, counted and logged."""
    for _ in range(3):
        try:
            return _redeem(code=code, applicant=applicant, ip=ip, device_id=device_id)
        except _TreeMoved:
            continue
        except _InviteFailure as exc:
            record_attempt(code, exc.code_id, ip, device_id, exc.outcome)
            if exc.outcome != InviteAttempt.Outcome.REFUSED:
                throttle_count_failure(ip, device_id)
                logger.warning(
                    "invite redemption failed: %s code=%s… ip=%s device=%s",
                    exc.code,
                    code[:4],
                    ip,
                    device_id or "-",
                )
            raise
    raise Conflict("The invite tree is being changed; try again.", code="try_again")


@transaction.atomic
def _redeem(*, code: str, applicant: _Applicant, ip: str | None, device_id: str) -> User:
    """One redemption in one transaction: lock the tree and the code, check, insert, mark redeemed."""
    found = InviteCode.objects.filter(code=code).values("pk", "owner_id").first()
    if found is None:
        raise _InviteFailure(
            "This invite code does not exist.", code="invalid_invite_code", outcome="unknown", status=400
        )
    owner = _lock_owner_tree(found["owner_id"]) if found["owner_id"] is not None else None
    invite = _lock_usable_code(found["pk"], owner)
    _check_username_free(applicant.username, code_id=invite.pk)
    user = _insert_member(applicant, owner=owner, code_id=invite.pk)
    if owner is not None:
        ancestors_add(path=owner.invite_path or "", delta=1)
    _mark_redeemed(invite, user=user, code=code, ip=ip, device_id=device_id)
    logger.info("member %s joined with a code of %s", user.pk, owner.pk if owner else "staff")
    return user


def _lock_owner_tree(owner_id: int) -> User:
    """Lock the inviter's tree (lock order: tree root, then the code; see services/tree.py)."""
    root_id = (User.objects.filter(pk=owner_id).values_list("invite_root_id", flat=True).first()) or owner_id
    lock_trees([root_id])
    owner = User.objects.get(pk=owner_id)
    if owner.tree_root_id != root_id:
        raise _TreeMoved
    return owner


def _lock_usable_code(pk: int, owner: User | None) -> InviteCode:
    """The code row, locked; refused when redeemed, disabled, or its owner may no longer invite."""
    invite = InviteCode.objects.select_for_update().get(pk=pk)
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
    return invite


def _check_username_free(username: str, *, code_id: int) -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise _InviteFailure(
            "This username is taken.", code="username_taken", outcome="refused", status=409, code_id=code_id
        )
    if User.objects.filter(username_skeleton=username_skeleton(username)).exists():
        raise _InviteFailure(
            _CONFUSABLE, code="username_confusable", outcome="refused", status=409, code_id=code_id
        )


def _tree_place(owner: User | None, user_id: int) -> tuple[str, int, int | None]:
    """(path, depth, root id) of a new member: the owner's next child, or a new root."""
    if owner is None:
        return root_path(user_id), 0, None
    User.objects.filter(pk=owner.pk).update(invite_children_seq=F("invite_children_seq") + 1)
    seq = User.objects.filter(pk=owner.pk).values_list("invite_children_seq", flat=True).get()
    return child_path(owner.invite_path or "", seq), owner.invite_depth + 1, owner.tree_root_id


def _insert_member(applicant: _Applicant, *, owner: User | None, code_id: int) -> User:
    user_id = new_id()
    path, depth, root_id = _tree_place(owner, user_id)
    user = User(
        id=user_id,
        username=applicant.username,
        email=applicant.email,
        birthdate=applicant.birthdate,
        region=applicant.region,
        is_teen=applicant.is_teen,
        inviter=owner,
        invite_root_id=root_id,
        invite_depth=depth,
        invite_path=path,
    )
    user.set_password(applicant.password)
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
            code_id=code_id,
        ) from exc
    return user


def _mark_redeemed(invite: InviteCode, *, user: User, code: str, ip: str | None, device_id: str) -> None:
    """The code is redeemed by `user`, who gets their own codes; the attempt is recorded."""
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
