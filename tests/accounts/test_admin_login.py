"""The admin sign-in form is throttled per IP and per username: wrong passwords lock it for a while,
with a clear message, and even the right password is then refused."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def limits(settings):
    settings.ADMIN_LOGIN_MAX_FAILURES = 3
    settings.ADMIN_LOGIN_MAX_FAILURES_IP = 5
    settings.ADMIN_LOGIN_LOCKOUT_SECONDS = 900


def _post(username, password, ip="198.51.100.1"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_wrong_passwords_lock_the_username(limits):
    """After N wrong passwords for a moderator, the right one is refused too, from any IP."""
    UserFactory(username="mod", is_staff=True)
    for _ in range(3):
        response = _post("mod", "wrong")
        assert response.status_code == 200
        assert "Too many failed sign-in attempts" not in response.content.decode()
    locked = _post("mod", PASSWORD, ip="203.0.113.9")
    assert locked.status_code == 200
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert not _signed_in(locked)
    # Case and full-width spellings of the name count as the same name.
    assert "Too many failed" in _post("MOD", PASSWORD, ip="203.0.113.10").content.decode()


def test_wrong_passwords_from_one_ip_lock_that_ip(limits):
    """Guessing across many usernames from one IP is stopped per IP; another IP still signs in."""
    UserFactory(username="mod", is_staff=True)
    for n in range(5):
        _post(f"guess{n}", "wrong")
    blocked = _post("mod", PASSWORD)
    assert "Too many failed sign-in attempts" in blocked.content.decode()
    assert not _signed_in(blocked)
    assert _signed_in(_post("mod", PASSWORD, ip="203.0.113.9"))


def test_a_right_password_under_the_limit_signs_in(limits):
    """A few mistakes and then the right password: signed in, and the username's count starts over."""
    UserFactory(username="mod", is_staff=True)
    _post("mod", "wrong")
    _post("mod", "wrong")
    assert _signed_in(_post("mod", PASSWORD))
    _post("mod", "wrong")
    _post("mod", "wrong")
    assert _signed_in(_post("mod", PASSWORD))
