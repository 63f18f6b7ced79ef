"""An unreachable Redis or database is a 503 `service_unavailable` with Retry-After, never a 500.

The multi-process fault tests (tests/stack/test_faults.py) restart real
servers; these pin the mapping itself, in one process.
"""

from __future__ import annotations

import pytest
import redis.exceptions
from django.db import OperationalError, ProgrammingError
from django.test import Client, override_settings
from kombu.exceptions import OperationalError as BrokerOperationalError

from sora_social.common.errors import DEPENDENCY_RETRY_AFTER_S, unavailable_dependency

pytestmark = pytest.mark.django_db


def _assert_503(response, dependency: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == str(DEPENDENCY_RETRY_AFTER_S)
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["details"] == {"dependency": dependency, "retry_after": DEPENDENCY_RETRY_AFTER_S}
    assert dependency in error["message"]


def test_redis_down_in_a_throttle_is_503(auth_client, monkeypatch):
    """The throttle counters live in Redis: a refused connection there answers 503, not 500."""
    from django.core.cache import cache

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise redis.exceptions.ConnectionError("Connection refused.")

    monkeypatch.setattr(cache, "get_many", refused)
    _assert_503(auth_client.get("/api/v1/me"), "redis")


def test_database_down_during_authentication_is_503(user, client_for, monkeypatch):
    """The bearer token's member is loaded from PostgreSQL: unreachable, the API answers 503."""
    from sora_social.accounts import authentication

    client = client_for(user)

    def refused(self, request):  # type: ignore[no-untyped-def]
        raise OperationalError("connection failed: server closed the connection unexpectedly")

    monkeypatch.setattr(authentication.BearerAuthentication, "authenticate", refused)
    _assert_503(client.get("/api/v1/me"), "database")


def test_broker_down_at_enqueue_is_503(auth_client, monkeypatch):
    """kombu's OperationalError (the broker refused) counts as Redis."""
    from sora_social.accounts.api import views

    def refused(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise BrokerOperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(views.MeView, "get", refused)
    _assert_503(auth_client.get("/api/v1/me"), "redis")


@override_settings(ROOT_URLCONF="tests.common.urls_dependency_down")
def test_plain_django_views_get_the_same_503():
    """Outside DRF the middleware answers the same body and header."""
    client = Client(raise_request_exception=False)
    _assert_503(client.get("/plain-redis-down"), "redis")
    _assert_503(client.get("/plain-database-down"), "database")


@override_settings(ROOT_URLCONF="tests.common.urls_dependency_down")
def test_other_failures_stay_500():
    """Only 'cannot reach it' errors are 503; a bug is still a 500 (and logged)."""
    response = Client(raise_request_exception=False).get("/plain-boom")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_cause_chain_is_followed():
    """A wrapper raised from a connection error still names the dependency; a query error does not."""
    outer = RuntimeError("channel layer send failed")
    outer.__cause__ = redis.exceptions.TimeoutError("Timeout reading from socket")
    assert unavailable_dependency(outer) == "redis"
    assert unavailable_dependency(ProgrammingError("syntax error")) is None
    assert unavailable_dependency(ValueError("x")) is None


def test_readyz_names_the_dependency_down(monkeypatch):
    """/readyz lists the failing required checks by name in `failing`."""
    import sora_social.common.health as health

    def refused() -> health.Check:
        raise redis.exceptions.ConnectionError("Connection refused.")

    monkeypatch.setitem(health._CHECKS, "broker", refused)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["state"] == "down"
    assert "ConnectionError" in body["checks"]["broker"]["detail"]
