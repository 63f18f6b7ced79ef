"""The WebSocket at /ws/ authenticates with `?token=` and joins the member's group."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from sora_social.asgi import application
from sora_social.common.events import send_user_event
from tests.accounts.factories import UserFactory
from tests.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


async def test_connect_with_valid_token_says_hello():
    """A valid access token opens the socket and the server greets with the member id."""
    user = await database_sync_to_async(UserFactory)()
    communicator = WebsocketCommunicator(application, f"/ws/?token={bearer(user)}")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "user_id": str(user.id)}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize("query", ["", "?token=", "?token=garbage", "?token=eyJhbGciOiJIUzI1NiJ9.e30.x"])
async def test_connect_without_valid_token_is_refused(query):
    """No token, an empty one or a forged one: the handshake is rejected."""
    communicator = WebsocketCommunicator(application, f"/ws/{query}")
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_refresh_token_is_not_an_access_token():
    """A refresh token cannot open the socket."""
    from rest_framework_simplejwt.tokens import RefreshToken

    user = await database_sync_to_async(UserFactory)()
    refresh = str(await database_sync_to_async(RefreshToken.for_user)(user))
    communicator = WebsocketCommunicator(application, f"/ws/?token={refresh}")
    connected, _ = await communicator.connect()
    assert not connected


async def test_events_reach_only_their_member():
    """An event for one member arrives on their socket and not on another member's."""
    alice = await database_sync_to_async(UserFactory)()
    bob = await database_sync_to_async(UserFactory)()
    sockets = {}
    for member in (alice, bob):
        sockets[member.id] = WebsocketCommunicator(application, f"/ws/?token={bearer(member)}")
        assert (await sockets[member.id].connect())[0]
        await sockets[member.id].receive_json_from()  # hello
    await database_sync_to_async(send_user_event)(alice.id, {"type": "test.note", "n": 1})
    assert await sockets[alice.id].receive_json_from(timeout=2) == {"type": "test.note", "n": 1}
    assert await sockets[bob.id].receive_nothing(timeout=0.3)
    for communicator in sockets.values():
        await communicator.disconnect()
