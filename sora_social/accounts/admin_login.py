"""The admin's sign-in form, throttled: failed attempts counted per IP and per username.

The admin is where moderators act on members; its sign-in form is guessed at
like any other. Failures (not successes) are counted in the cache (Redis in
production, shared by every server process) per client IP and per username
(NFKC, case-folded: "MOD" and "ｍｏｄ" are "mod"). Past either limit the form
refuses every attempt, the right password included, until the lockout that
began with the first counted failure ends. A success under the limit clears
the username's count.

Per-username locking lets someone lock a moderator out for the lockout period
by guessing; the IP limit bounds how many names one client can do that to,
and the lockout is short. Installed on the admin site in `sora_social/urls.py`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from rest_framework.throttling import BaseThrottle

from sora_social.accounts.usernames import normalize_username

logger = logging.getLogger(__name__)


def _keys(request: Any, username: str) -> tuple[str, str]:
    ip = BaseThrottle().get_ident(request) or "-"  # honours NUM_PROXIES, as the API throttles do
    name = hashlib.sha256(normalize_username(username).casefold().encode()).hexdigest()
    return f"admin-login:ip:{ip}", f"admin-login:user:{name}"


def _fail(key: str) -> None:
    if not cache.add(key, 1, settings.ADMIN_LOGIN_LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, settings.ADMIN_LOGIN_LOCKOUT_SECONDS)


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": (
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes, "
            "or ask another administrator to check the account."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip_key, user_key = _keys(self.request, username)
        counts = cache.get_many([ip_key, user_key])
        if (
            counts.get(ip_key, 0) >= settings.ADMIN_LOGIN_MAX_FAILURES_IP
            or counts.get(user_key, 0) >= settings.ADMIN_LOGIN_MAX_FAILURES
        ):
            logger.warning("admin sign-in refused: too many failures (%s)", ip_key)
            raise ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": max(1, settings.ADMIN_LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            _fail(ip_key)
            _fail(user_key)
            raise
        cache.delete(user_key)
        return cleaned
