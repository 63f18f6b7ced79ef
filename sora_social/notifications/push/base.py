"""The push-provider interface: one `send` per device token, answered with what to do about the token."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol


class Outcome(enum.Enum):
    SENT = "sent"
    # The token will never work again (app removed, token rotated): prune it.
    DEAD = "dead"
    # Worth another try later (rate limit, provider error, network).
    RETRY = "retry"
    # Refused for a reason a retry will not fix (bad payload, wrong topic config): log, keep the token.
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    status: int = 0
    reason: str = ""


class PushProvider(Protocol):
    platform: str

    def send(self, token: str, message: dict[str, Any]) -> Result:
        """Deliver `message` (`title`, `body`, `data`: str → str) to one device token."""
        ...

    def close(self) -> None: ...
