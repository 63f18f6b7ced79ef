"""Logging filters: credentials in URLs never reach a log line.

WebSocket clients authenticate in the URL (`/ws/?ticket=`, and the deprecated
`?token=<access token>`), and servers log URLs with their query strings:
uvicorn logs each handshake on `uvicorn.error` and plain HTTP requests on
`uvicorn.access`. `StripWebSocketQuery` rewrites the record in place (its
arguments and an already formatted message) so every handler downstream sees
`/ws/` without the query; other paths keep theirs. It is attached to the
servers' loggers when Django starts (`CommonConfig.ready`), which in every
server process comes after the server configured its own logging.
"""

from __future__ import annotations

import logging
import re

# A /ws path (with or without the trailing slash and sub-path) and its query.
_WS_QUERY = re.compile(r"(/ws(?:/[^\s?\"']*)?)\?[^\s\"']*")

SERVER_LOGGERS = (
    "uvicorn.access",
    "uvicorn.error",
    "daphne.access",
    "daphne.server",
    "django.channels.server",
)


def strip_ws_query(text: str) -> str:
    return _WS_QUERY.sub(r"\1", text) if "/ws" in text else text


class StripWebSocketQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = strip_ws_query(record.msg)
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(strip_ws_query(a) if isinstance(a, str) else a for a in args)
        elif isinstance(args, dict):
            record.args = {k: strip_ws_query(v) if isinstance(v, str) else v for k, v in args.items()}
        return True


def install_log_filters() -> None:
    """Attach the filter to the servers' loggers (once; loggers keep filters across dictConfig)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, StripWebSocketQuery) for f in logger.filters):
            logger.addFilter(StripWebSocketQuery())
