"""Helpers for messaging tests: members, follows, and threads opened through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from messaging import services
from sora_social.accounts.services import follow_create
from sora_social.accounts.viewer import Viewer
from tests.accounts.factories import UserFactory


def teen(**kw: Any) -> Any:
    today = dt.date.today()
    return UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15), **kw)


def friends(a: Any, b: Any) -> None:
    """a and b follow each other."""
    follow_create(actor=a, target=b)
    follow_create(actor=b, target=a)


def open_direct(a: Any, b: Any) -> Any:
    thread, _ = services.thread_open(viewer=Viewer.of(a), member_ids=[b.pk])
    return thread


def send(user: Any, thread: Any, text: str = "hello", **kw: Any) -> Any:
    return services.message_send(viewer=Viewer.of(user), thread_id=thread.pk, text=text, **kw)
