"""`manage.py serve`: the ASGI server (HTTP + WebSocket) with the in-process worker.

The worker starts in the ASGI lifespan (see `sora_social.asgi`), so this is
uvicorn with the project's defaults and a banner that says where things are.
"""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the API, WebSocket and admin (and, without Redis, the background worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=1, help="Server processes (Redis required for >1)."
        )
        parser.add_argument(
            "--worker-healthcheck-timeout",
            type=int,
            default=30,
            help="Seconds a server process may take to answer the supervisor's ping before it is "
            "killed as hung (with --workers > 1). uvicorn's 5 s killed busy workers, and their "
            "in-flight requests, on a loaded machine.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        base = f"http://{host}:{port}"
        worker = "in-process worker + beat" if settings.INPROCESS_WORKER else "external Celery workers"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    self.style.SUCCESS(f"Sora Social is starting on {base}"),
                    f"  API docs:   {base}/api/docs/",
                    f"  Admin:      {base}/admin/",
                    f"  Readiness:  {base}/readyz",
                    f"  WebSocket:  ws://{host}:{port}/ws/?ticket=<from POST /api/v1/ws-ticket>",
                    f"  Background: {worker}",
                    "",
                ]
            )
        )
        if options["workers"] > 1 and not settings.REDIS_URL:
            self.stderr.write("More than one server process needs REDIS_URL; starting one.")
            options["workers"] = 1
        uvicorn.run(
            "sora_social.asgi:application",
            host=host,
            port=port,
            workers=options["workers"],
            lifespan="on",
            log_level="info",
            ws="websockets-sansio",
            timeout_worker_healthcheck=options["worker_healthcheck_timeout"],
        )
