"""Redemption attempts: the record of each one, the failed-redemption throttle, and opening an invite link.

Failed redemptions are counted per IP and per device id in the cache; past
INVITE_FAILED_LIMIT in INVITE_FAILED_WINDOW_S, further attempts get 429.
Opening an invite link (`/i/<code>`) with an unknown code counts as a failed
attempt too: otherwise the page would be a free oracle for guessing codes.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache

from sora_social.accounts.models import InviteAttempt
from sora_social.accounts.selectors import InvitePreview, invite_code_preview
from sora_social.accounts.services.invites import normalize_code
from sora_social.common.errors import NotFound, RateLimited


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


def throttle_check(ip: str | None, device_id: str) -> None:
    limit = settings.INVITE_FAILED_LIMIT
    counts = cache.get_many(_throttle_keys(ip, device_id))
    if any(int(v) >= limit for v in counts.values()):
        raise RateLimited(
            "Too many failed invite codes; try again later.",
            code="invite_attempts_throttled",
            retry_after=settings.INVITE_FAILED_WINDOW_S,
        )


def throttle_count_failure(ip: str | None, device_id: str) -> None:
    for key in _throttle_keys(ip, device_id):
        # add() starts the window only once; incr() keeps its expiry.
        cache.add(key, 0, timeout=settings.INVITE_FAILED_WINDOW_S)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.INVITE_FAILED_WINDOW_S)


def record_attempt(code: str, code_id: int | None, ip: str | None, device_id: str, outcome: str) -> None:
    InviteAttempt.objects.create(
        code_tried=code[:32],
        code_id=code_id,
        ip=ip,
        network=network_of(ip),
        device_id=device_id,
        outcome=outcome,
    )


def invite_link_open(*, code: str, ip: str | None) -> InvitePreview:
    """What the invite page shows for `code`: throttled like redemption; unknown codes are 404
    `invalid_invite_code` and count as a failed attempt from `ip`."""
    throttle_check(ip, "")
    preview = invite_code_preview(code=normalize_code(code))
    if preview is None:
        throttle_count_failure(ip, "")
        raise NotFound("This invite code does not exist.", code="invalid_invite_code")
    return preview
