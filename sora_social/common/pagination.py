"""The list shape of the whole API: `{"results": [...], "next": cursor | null}`.

Cursors are opaque, stable under inserts, and cost one indexed range query a
page (no OFFSET). Ids are time-ordered snowflakes, so `-id` is newest first.

Every cursor the API hands out is made here and signed: the position (an id,
a tree path, an offset into a ranked set) followed by a truncated HMAC-SHA256
of it under a key derived from SECRET_KEY and bound to the list it came from
(`scope`), all in unpadded base64url. A cursor that was changed, forged or
taken from another list is refused as 400 `invalid_cursor` before its
position is parsed or reaches a query, so no hand-made position can turn into
a 500 or a surprising filter. Signing costs one HMAC of a few bytes, a few
microseconds on the feed's hot path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from sora_social.common.errors import ValidationFailed

PAGE_SIZE = 20
MAX_PAGE = 100
# Bytes of the MAC kept: 80 bits, far beyond guessing through a throttled API.
_MAC_BYTES = 10
# Longer than any cursor we make (a deep tree path); anything longer is refused unread.
_MAX_CURSOR_CHARS = 600


@cache
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"sora_social.cursor\x00" + secret.encode()).digest()


def _mac(scope: str, payload: bytes) -> bytes:
    # hmac.digest: OpenSSL's one-shot HMAC, a fraction of hmac.new's cost.
    return hmac.digest(_key(settings.SECRET_KEY), scope.encode() + b"\x00" + payload, "sha256")[:_MAC_BYTES]


def invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        "Invalid cursor; pass the `next` value of the previous page unchanged.",
        code="invalid_cursor",
        details={"cursor": ["Invalid cursor."]},
    )


def encode_cursor(value: str | int, *, scope: str) -> str:
    """A signed cursor for `value` (a position in the list named `scope`)."""
    payload = str(value).encode()
    return base64.urlsafe_b64encode(payload + _mac(scope, payload)).decode().rstrip("=")


def decode_cursor(raw: str | None, *, scope: str) -> str | None:
    """The position a cursor of `scope` carries; None for no cursor; 400 `invalid_cursor` otherwise."""
    if not raw:
        return None
    if len(raw) > _MAX_CURSOR_CHARS:
        raise invalid_cursor()
    try:
        blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise invalid_cursor() from None
    payload, mac = blob[:-_MAC_BYTES], blob[-_MAC_BYTES:]
    if len(blob) <= _MAC_BYTES or not hmac.compare_digest(mac, _mac(scope, payload)):
        raise invalid_cursor()
    try:
        return payload.decode()
    except UnicodeDecodeError:  # signed by us, so never; but never a 500 either
        raise invalid_cursor() from None


def decode_int_cursor(raw: str | None, *, scope: str) -> int | None:
    """An integer position (an id or an offset) from a cursor of `scope`."""
    value = decode_cursor(raw, scope=scope)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 19:
        raise invalid_cursor()
    return int(value)


def page_limit(raw: Any, *, default: int = PAGE_SIZE, maximum: int = MAX_PAGE) -> int:
    """The `limit` query parameter: an integer from 1 to `maximum`, else 400 naming `limit`.

    An empty `?limit=` is refused too: a client that sends one has a bug to hear about.
    """
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= maximum:
        raise ValidationFailed(
            f"limit must be an integer from 1 to {maximum}.",
            code="invalid_limit",
            details={"limit": [f"Ensure this is an integer from 1 to {maximum}."]},
        )
    return value


def int_param(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high], else 400 `validation_error` naming it."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = low - 1
    if not low <= value <= high:
        raise ValidationFailed(details={name: [f"Ensure this is an integer from {low} to {high}."]})
    return value


class CursorPagination:
    """Keyset pagination of a queryset on `-id`: newest first, one query a page.

    `scope` names the list, so a cursor from one list is refused by another;
    by default it is the view's class name.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "limit"

    def __init__(self, scope: str | None = None) -> None:
        self.scope = scope
        self.next_cursor: str | None = None

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list[Any]:
        scope = self.scope or type(view).__name__
        limit = page_limit(request.query_params.get(self.page_size_query_param))
        before = decode_int_cursor(request.query_params.get(self.cursor_query_param), scope=scope)
        qs = queryset.order_by("-id")
        if before is not None:
            qs = qs.filter(pk__lt=before)
        rows = list(qs[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        self.next_cursor = encode_cursor(rows[-1].pk, scope=scope) if more else None
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"results": data, "next": self.next_cursor})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {
                "results": schema,
                "next": {
                    "type": "string",
                    "nullable": True,
                    "description": "Pass as ?cursor= for the next page.",
                },
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": "cursor", "required": False, "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "required": False, "in": "query", "schema": {"type": "integer"}},
        ]
