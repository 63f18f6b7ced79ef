"""The project's URLs plus plain Django views whose dependency is unreachable (the 503 middleware)."""

import redis.exceptions
from django.db import OperationalError
from django.urls import path

from sora_social.urls import urlpatterns as project_urlpatterns


def redis_down(request):  # type: ignore[no-untyped-def]
    raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")


def database_down(request):  # type: ignore[no-untyped-def]
    raise OperationalError("connection failed: Connection refused")


def plain_boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


urlpatterns = [
    path("plain-redis-down", redis_down),
    path("plain-database-down", database_down),
    path("plain-boom", plain_boom),
    *project_urlpatterns,
]
handler500 = "sora_social.common.errors.handler500"
