"""The list shape of the whole API: `{"results": [...], "next": cursor | null}`.

Cursors are opaque, stable under inserts, and cost one indexed range query a
page (no OFFSET). Ids are time-ordered snowflakes, so `-id` is newest first.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions as drf_exceptions
from rest_framework import pagination
from rest_framework.response import Response

from sora_social.common.errors import ValidationFailed


class CursorPagination(pagination.CursorPagination):
    ordering = "-id"
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                int(raw)
            except ValueError:
                raise ValidationFailed("limit must be a number.", code="invalid_limit") from None
        return super().get_page_size(request)

    def decode_cursor(self, request: Any) -> Any:
        try:
            return super().decode_cursor(request)
        except drf_exceptions.NotFound:
            # A cursor the server did not make is a bad request, not a missing page.
            raise ValidationFailed("Invalid cursor.", code="invalid_cursor") from None

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"results": data, "next": self.encode_next_cursor()})

    def encode_next_cursor(self) -> str | None:
        link = self.get_next_link()
        if link is None:
            return None
        from urllib.parse import parse_qs, urlparse

        return parse_qs(urlparse(link).query).get(self.cursor_query_param, [None])[0]

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
