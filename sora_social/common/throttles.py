"""Throttle classes. Rates come from settings; counters live in the cache (Redis in production)."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class BurstUserThrottle(UserRateThrottle):
    scope = "user_burst"


class AnonIPThrottle(AnonRateThrottle):
    scope = "anon"


class AuthIPThrottle(AnonRateThrottle):
    """Sign-in and token attempts, per client IP, whether or not signed in."""

    scope = "auth"

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
