"""Firebase Cloud Messaging, HTTP v1 API, authorised as a service account.

The service account's key signs an RS256 assertion (RFC 7523) that the
token endpoint named in the key file exchanges for an OAuth2 access token;
the token is reused until a minute before it expires, and a 401 mints a new
one and tries once more. A token FCM no longer knows answers 404 with
`UNREGISTERED` in the error details: that device is pruned.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import jwt

from sora_social.notifications.push.base import Outcome, Result

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FCMProvider:
    platform = "android"

    def __init__(
        self, *, base_url: str, project_id: str, credentials: dict[str, Any], timeout_s: float = 10.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.project_id = project_id
        self.client_email = credentials["client_email"]
        self.private_key = credentials["private_key"]
        self.token_uri = credentials["token_uri"]
        self.client = httpx.Client(timeout=timeout_s)
        self._lock = threading.Lock()
        self._access: tuple[str, float] | None = None

    def access_token(self, *, fresh: bool = False) -> str:
        """An OAuth2 access token for the messaging scope, from the service account's signed assertion."""
        with self._lock:
            now = time.time()
            if fresh or self._access is None or now >= self._access[1]:
                assertion = jwt.encode(
                    {
                        "iss": self.client_email,
                        "scope": SCOPE,
                        "aud": self.token_uri,
                        "iat": int(now),
                        "exp": int(now) + 3600,
                    },
                    self.private_key,
                    algorithm="RS256",
                )
                response = self.client.post(
                    self.token_uri, data={"grant_type": GRANT, "assertion": assertion}
                )
                response.raise_for_status()
                body = response.json()
                self._access = (str(body["access_token"]), now + int(body.get("expires_in", 3600)) - 60)
            return self._access[0]

    def _post(self, token: str, message: dict[str, Any], *, fresh: bool) -> httpx.Response:
        return self.client.post(
            f"{self.base_url}/v1/projects/{self.project_id}/messages:send",
            json={
                "message": {
                    "token": token,
                    "notification": {"title": message["title"], "body": message["body"]},
                    "data": message["data"],
                }
            },
            headers={"authorization": f"Bearer {self.access_token(fresh=fresh)}"},
        )

    def send(self, token: str, message: dict[str, Any]) -> Result:
        try:
            response = self._post(token, message, fresh=False)
            if response.status_code == 401:
                response = self._post(token, message, fresh=True)
        except httpx.HTTPError as exc:
            return Result(Outcome.RETRY, 0, type(exc).__name__)
        status, code = response.status_code, _error_code(response)
        if status == 200:
            return Result(Outcome.SENT, status)
        if status == 404 or code == "UNREGISTERED":
            return Result(Outcome.DEAD, status, code)
        if status in RETRY_STATUSES:
            return Result(Outcome.RETRY, status, code)
        return Result(Outcome.FAILED, status, code)

    def close(self) -> None:
        self.client.close()


def _error_code(response: httpx.Response) -> str:
    """The FCM error code (`UNREGISTERED`, …) from `error.details[].errorCode`, else `error.status`."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return ""
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("errorCode"):
            return str(detail["errorCode"])
    return str(error.get("status", ""))
