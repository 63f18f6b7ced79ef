"""Request body limits, enforced while the body streams in.

Django's ASGI handler reads the whole body into a spooled temporary file
before any view (or parser, or upload handler) runs, so a size check in a view
comes after the bytes have filled memory or disk. `BodyLimitMiddleware` sits
in front of it: a `Content-Length` over the route's limit is answered 413
without reading a byte, and a chunked body is counted as it arrives and cut
off as soon as it passes the limit; either way nothing reaches Django.

Limits per route: the upload endpoints allow their upload size (plus room for
the multipart envelope), the admin the largest of those, everything else
`API_MAX_JSON_BYTES`. The JSON parser applies the same limit again for
servers that do not run this middleware (the test client, WSGI).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from sora_social.common.errors import ApplicationError, error_body
from sora_social.common.renderers import dumps

# Multipart boundaries, part headers and small form fields around one file.
MULTIPART_OVERHEAD = 64 * 1024

_RECORDING = re.compile(r"^/api/v1/cameos/[^/]+/recording/?$")


class PayloadTooLarge(ApplicationError):
    status = 413
    code = "payload_too_large"
    default_message = "The request body is too large."

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.", details={"max_bytes": limit})


def body_limit(path: str) -> int:
    """The most body bytes a request to `path` may send."""
    if path.startswith("/api/v1/"):
        if path in ("/api/v1/uploads", "/api/v1/uploads/"):
            return settings.GENERATION_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD
        if _RECORDING.match(path):
            return settings.CAMEOS_RECORDING_MAX_BYTES + MULTIPART_OVERHEAD
        if path in ("/api/v1/me", "/api/v1/me/"):
            # `PATCH /me` may carry the avatar image.
            return settings.AVATAR_MAX_BYTES + MULTIPART_OVERHEAD
        if path in ("/api/v1/provenance/lookup", "/api/v1/provenance/lookup/"):
            return settings.PROVENANCE_LOOKUP_MAX_BYTES + MULTIPART_OVERHEAD
        return settings.API_MAX_JSON_BYTES
    if path in ("/verify", "/verify/"):
        return settings.PROVENANCE_LOOKUP_MAX_BYTES + MULTIPART_OVERHEAD
    if path.startswith("/admin/"):
        return (
            max(settings.CAMEOS_RECORDING_MAX_BYTES, settings.GENERATION_UPLOAD_MAX_BYTES)
            + MULTIPART_OVERHEAD
        )
    return settings.API_MAX_JSON_BYTES


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """ASGI: refuse bodies over the route's limit with 413 `payload_too_large`, before Django reads them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
                    await _refuse(send, limit)
                    return
        seen = 0
        started = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Any, limit: int) -> None:
    exc = PayloadTooLarge(limit)
    body = dumps(error_body(exc.code, exc.message, exc.details))
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
