"""The lookup's own rate limit, per client IP, signed in or not (hashing a video is costly)."""

from __future__ import annotations

from typing import Any

from sora_social.common.throttles import AuthIPThrottle


class LookupIPThrottle(AuthIPThrottle):
    scope = "provenance_lookup"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
