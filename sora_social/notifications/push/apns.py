"""Apple Push Notification service over HTTP/2, with a provider token (JWT, ES256).

APNs speaks only HTTP/2, so the client refuses HTTP/1.1 (`http1=False`):
over TLS it negotiates h2 by ALPN, and against a plain `http://` URL (a
local test server) it speaks h2 with prior knowledge. The provider token is
signed with the team's .p8 key and reused for 50 minutes: Apple refuses
tokens older than an hour and throttles providers that mint them too often
(`TooManyProviderTokenUpdates`). An `ExpiredProviderToken` answer mints a
new one and tries once more.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import jwt

from sora_social.notifications.push.base import Outcome, Result

TOKEN_TTL_S = 50 * 60
# 400 reasons that mean the token is gone for good (410 Unregistered always does).
DEAD_REASONS = frozenset({"BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"})
RETRY_STATUSES = frozenset({429, 500, 503})


class APNsProvider:
    platform = "ios"

    def __init__(
        self, *, base_url: str, key_pem: str, key_id: str, team_id: str, topic: str, timeout_s: float = 10.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key_pem, self.key_id, self.team_id, self.topic = key_pem, key_id, team_id, topic
        self.client = httpx.Client(http1=False, http2=True, timeout=timeout_s)
        self._lock = threading.Lock()
        self._token: tuple[str, float] | None = None

    def provider_token(self, *, fresh: bool = False) -> str:
        """The ES256 provider JWT (`iss` = team, `kid` = key id), minted at most every 50 minutes."""
        with self._lock:
            now = time.time()
            if fresh or self._token is None or now - self._token[1] > TOKEN_TTL_S:
                token = jwt.encode(
                    {"iss": self.team_id, "iat": int(now)},
                    self.key_pem,
                    algorithm="ES256",
                    headers={"kid": self.key_id},
                )
                self._token = (token, now)
            return self._token[0]

    def _post(self, token: str, body: dict[str, Any], *, fresh: bool) -> httpx.Response:
        return self.client.post(
            f"{self.base_url}/3/device/{token}",
            json=body,
            headers={
                "authorization": f"bearer {self.provider_token(fresh=fresh)}",
                "apns-topic": self.topic,
                "apns-push-type": "alert",
                "apns-priority": "10",
            },
        )

    def send(self, token: str, message: dict[str, Any]) -> Result:
        body = {"aps": {"alert": {"title": message["title"], "body": message["body"]}}, **message["data"]}
        try:
            response = self._post(token, body, fresh=False)
            if response.status_code == 403 and _reason(response) == "ExpiredProviderToken":
                response = self._post(token, body, fresh=True)
        except httpx.HTTPError as exc:
            return Result(Outcome.RETRY, 0, type(exc).__name__)
        status, reason = response.status_code, _reason(response)
        if status == 200:
            return Result(Outcome.SENT, status)
        if status == 410 or (status == 400 and reason in DEAD_REASONS):
            return Result(Outcome.DEAD, status, reason)
        if status in RETRY_STATUSES:
            return Result(Outcome.RETRY, status, reason)
        return Result(Outcome.FAILED, status, reason)

    def close(self) -> None:
        self.client.close()


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("reason", ""))
    except ValueError:
        return ""
