"""Sessions: refresh tokens rotate, reuse of a used one signs its whole family out, and a
password change, suspension, ban or deletion ends every token and open socket of the member."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from sora_social.accounts import services
from sora_social.accounts.models import User
from sora_social.asgi import application
from tests.accounts.factories import PASSWORD, UserFactory


def _sign_in(user: User, password: str = PASSWORD) -> dict[str, str]:
    response = APIClient().post(
        "/api/v1/auth/token", {"username": user.username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _refresh(refresh: str) -> Any:
    return APIClient().post("/api/v1/auth/token/refresh", {"refresh": refresh}, format="json")


def _me(access: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/me")


@pytest.mark.django_db
def test_refresh_rotates_to_a_new_refresh_token():
    """Refreshing answers a new access token and a new refresh token; both work."""
    tokens = _sign_in(UserFactory())
    response = _refresh(tokens["refresh"])
    assert response.status_code == 200
    body = response.json()
    assert body["refresh"] != tokens["refresh"]
    assert _me(body["access"]).status_code == 200
    assert _refresh(body["refresh"]).status_code == 200


@pytest.mark.django_db
def test_reusing_a_rotated_refresh_token_signs_out_the_whole_family(caplog):
    """A used refresh token presented again is refused, and the newest token of its family dies too."""
    user = UserFactory()
    first = _sign_in(user)
    other_device = _sign_in(user)
    second = _refresh(first["refresh"]).json()
    third = _refresh(second["refresh"]).json()

    reused = _refresh(first["refresh"])  # a thief replays the stolen, already used token
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "token_reused"
    newest = _refresh(third["refresh"])  # the victim's current token is gone as well
    assert newest.status_code == 401
    assert _refresh(second["refresh"]).status_code == 401
    assert f"refresh token reused: member {user.pk}, 1 live token(s)" in caplog.text
    assert first["refresh"] not in caplog.text
    # Another sign-in is another family: it keeps working.
    assert _refresh(other_device["refresh"]).status_code == 200


@pytest.mark.django_db
def test_a_forged_or_access_token_is_not_a_refresh_token():
    """A garbage token or an access token sent to refresh is a 401 that revokes nothing."""
    tokens = _sign_in(UserFactory())
    assert _refresh("garbage").status_code == 401
    assert _refresh(tokens["access"]).status_code == 401
    assert _refresh(tokens["refresh"]).status_code == 200


@pytest.mark.django_db
def test_password_change_needs_the_old_password():
    """A wrong old password or a weak new one is a 400 and changes nothing."""
    user = UserFactory()
    tokens = _sign_in(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    wrong = client.post(
        "/api/v1/me/password", {"old_password": "nope", "new_password": "a-new-long-pass-42"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "wrong_password"
    weak = client.post("/api/v1/me/password", {"old_password": PASSWORD, "new_password": "1"}, format="json")
    assert weak.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert _me(tokens["access"]).status_code == 200


def _change_password(user: User) -> None:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/me/password",
        {"old_password": PASSWORD, "new_password": "a-new-long-pass-42"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert _me(body["access"]).status_code == 200  # the device that changed it stays signed in


def _suspend(user: User) -> None:
    services.user_suspend(user=user, actor=None, reason="spam")


def _ban(user: User) -> None:
    services.user_ban(user=user, actor=None, reason="abuse")


def _subtree_suspend(user: User) -> None:
    services.subtree_suspend(root=user.inviter, actor=None, reason="ring", include_root=False)


def _delete(user: User) -> None:
    User.objects.get(pk=user.pk).delete()


def _delete_account(user: User) -> None:
    client = APIClient()
    client.force_authenticate(user)
    assert client.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 204


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "action",
    [_change_password, _suspend, _ban, _subtree_suspend, _delete, _delete_account],
    ids=lambda f: f.__name__,
)
async def test_account_change_ends_tokens_and_open_sockets(action):
    """After the change the member's access and refresh tokens are refused and the open socket closes."""
    from tests.accounts.factories import make_member

    user = await database_sync_to_async(make_member)(await database_sync_to_async(make_member)())
    tokens = await sync_to_async(_sign_in)(user)
    assert (await sync_to_async(_me)(tokens["access"])).status_code == 200  # remembered by its bytes now
    socket = WebsocketCommunicator(application, f"/ws/?token={tokens['access']}")
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # hello

    await database_sync_to_async(action)(user)

    assert await socket.receive_json_from(timeout=2) == {"type": "session.revoked"}
    assert (await socket.receive_output(timeout=2))["type"] == "websocket.close"
    assert (await sync_to_async(_me)(tokens["access"])).status_code == 401
    assert (await sync_to_async(_refresh)(tokens["refresh"])).status_code == 401
    again = WebsocketCommunicator(application, f"/ws/?token={tokens['access']}")
    assert not (await again.connect())[0]


@pytest.mark.django_db
def test_unsuspending_does_not_bring_old_tokens_back():
    """Tokens revoked by a suspension stay dead after the member is unsuspended."""
    user = UserFactory()
    tokens = _sign_in(user)
    services.user_suspend(user=user, actor=None, reason="spam")
    services.user_unsuspend(user=user, actor=None, reason="appeal upheld")
    assert _me(tokens["access"]).status_code == 401
    assert _refresh(tokens["refresh"]).status_code == 401
    assert _me(_sign_in(user)["access"]).status_code == 200


@pytest.mark.django_db
def test_me_still_costs_one_query_with_token_versions(django_assert_num_queries):
    """Checking the token version adds no query: GET /me loads the member and nothing else."""
    tokens = _sign_in(UserFactory())
    _me(tokens["access"])
    with django_assert_num_queries(1):
        assert _me(tokens["access"]).status_code == 200


@pytest.mark.django_db
def test_refresh_tokens_issued_before_rotation_existed_still_refresh_once():
    """A refresh token never recorded (minted before rotation) rotates once; replayed, it ends its family."""
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
    from rest_framework_simplejwt.tokens import RefreshToken

    user = UserFactory()
    legacy = RefreshToken.for_user(user)
    OutstandingToken.objects.filter(jti=legacy["jti"]).delete()
    rotated = _refresh(str(legacy))
    assert rotated.status_code == 200, rotated.content
    newer = _refresh(rotated.json()["refresh"]).json()
    assert _refresh(str(legacy)).json()["error"]["code"] == "token_reused"
    assert _refresh(newer["refresh"]).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_with_one_token_rotate_once():
    """Ten threads refresh one token at once: one rotation, the rest are reuse, and the family ends."""
    import threading

    from django.db import connection

    tokens = _sign_in(UserFactory())
    n = 10
    barrier = threading.Barrier(n)
    results: list[tuple[int, str | None, str | None]] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait()
            response = _refresh(tokens["refresh"])
            body = response.json()
            with lock:
                results.append((response.status_code, body.get("error", {}).get("code"), body.get("refresh")))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted((status, code) for status, code, _ in results) == [(200, None)] + [
        (401, "token_reused")
    ] * (n - 1)
    winner = next(refresh for status, _, refresh in results if status == 200)
    assert _refresh(winner).status_code == 401  # the family ended with the reuse


@pytest.mark.django_db
def test_expired_refresh_tokens_are_flushed():
    """The daily flush removes expired refresh tokens (blacklisted or not) and keeps live ones."""
    import datetime as dt

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    user = UserFactory()
    live = _sign_in(user)
    _refresh(_sign_in(user)["refresh"])  # one blacklisted, one live in that family
    old = OutstandingToken.objects.exclude(token=live["refresh"]).order_by("id")
    OutstandingToken.objects.filter(pk__in=[t.pk for t in old]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.refresh_tokens_flush_expired() == 2
    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [live["refresh"]]
    assert not BlacklistedToken.objects.exists()
    assert _refresh(live["refresh"]).status_code == 200
