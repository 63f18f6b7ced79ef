"""`POST /api/v1/ws-ticket` hands out a single-use, short-lived ticket that opens `/ws/?ticket=`."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from rest_framework.test import APIClient

from sora_social.accounts import services
from sora_social.accounts.services import sessions
from sora_social.asgi import application
from tests.accounts.factories import UserFactory
from tests.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _ticket(user) -> dict:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
    response = client.post("/api/v1/ws-ticket")
    assert response.status_code == 201, response.content
    return response.json()


async def _connect(query: str) -> tuple[bool, object, WebsocketCommunicator]:
    socket = WebsocketCommunicator(application, f"/ws/{query}")
    connected, code = await socket.connect()
    return connected, code, socket


async def test_a_ticket_opens_one_socket_once():
    """The ticket opens the member's socket; the same ticket again is refused."""
    user = await database_sync_to_async(UserFactory)()
    body = await sync_to_async(_ticket)(user)
    assert body["expires_in"] == 30
    connected, _, socket = await _connect(f"?ticket={body['ticket']}")
    assert connected
    assert await socket.receive_json_from() == {"type": "hello", "user_id": str(user.id)}
    again, code, _ = await _connect(f"?ticket={body['ticket']}")
    assert not again
    assert code == 4401
    await socket.disconnect()


async def test_wrong_or_expired_ticket_is_refused(monkeypatch):
    """A made-up ticket, and a real one past its lifetime, open nothing."""
    user = await database_sync_to_async(UserFactory)()
    assert not (await _connect("?ticket=not-a-ticket"))[0]
    assert not (await _connect("?ticket=" + "x" * 500))[0]
    monkeypatch.setattr(sessions, "WS_TICKET_SECONDS", 1)
    body = await sync_to_async(_ticket)(user)
    assert body["expires_in"] == 1
    await asyncio.sleep(1.2)
    assert not (await _connect(f"?ticket={body['ticket']}"))[0]


async def test_a_ticket_dies_with_the_session():
    """A ticket issued before the member was signed out everywhere opens nothing."""
    user = await database_sync_to_async(UserFactory)()
    body = await sync_to_async(_ticket)(user)
    await database_sync_to_async(services.sessions_revoke)(user_ids=[user.pk])
    assert not (await _connect(f"?ticket={body['ticket']}"))[0]


async def test_deprecated_token_still_opens_the_socket():
    """Existing clients sending `?token=<access>` still connect."""
    user = await database_sync_to_async(UserFactory)()
    connected, _, socket = await _connect(f"?token={bearer(user)}")
    assert connected
    await socket.disconnect()


def test_tickets_need_a_signed_in_member():
    """Without a bearer token there is no ticket, and the cache stores only the ticket's hash."""
    assert APIClient().post("/api/v1/ws-ticket").status_code == 401
    ticket, _ = services.ws_ticket_issue(user=UserFactory())
    assert cache.get(sessions._ticket_key(ticket)) is not None
    assert cache.get(ticket) is None
    assert cache.get("ws-ticket:" + ticket) is None
