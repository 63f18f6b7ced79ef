"""The ASGI application: HTTP (Django + DRF), WebSocket at /ws/, and lifespan.

On lifespan start-up the embedded default starts its in-process Celery worker
(and beat), so any ASGI server runs the whole product with no other process.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings.base")

from django.core.asgi import get_asgi_application

django_http = get_asgi_application()

from sora_social.common.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start("web")

from asgiref.sync import sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import path  # noqa: E402

from sora_social.common.consumers import UserEventsConsumer  # noqa: E402
from sora_social.common.limits import BodyLimitMiddleware  # noqa: E402
from sora_social.common.worker import start_inprocess_worker, stop_inprocess_worker  # noqa: E402
from sora_social.common.ws_auth import JWTQueryAuthMiddleware  # noqa: E402

websocket_urlpatterns = [path("ws/", UserEventsConsumer.as_asgi())]


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if settings.INPROCESS_WORKER:
                await sync_to_async(start_inprocess_worker, thread_sensitive=False)(
                    concurrency=settings.CELERY_INPROCESS_CONCURRENCY
                )
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if settings.INPROCESS_WORKER:
                await sync_to_async(stop_inprocess_worker, thread_sensitive=False)()
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": BodyLimitMiddleware(
            ASGIStaticFilesHandler(django_http) if settings.SERVE_STATIC else django_http
        ),
        "websocket": JWTQueryAuthMiddleware(URLRouter(websocket_urlpatterns)),
        "lifespan": lifespan,
    }
)
