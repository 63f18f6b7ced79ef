"""Screens other apps hang on an uploaded still before it becomes usable (hook point).

Generation sits left of the apps that screen media (provenance's hash banks),
so it cannot call them; they register a screen from their `AppConfig.ready()`:

    from generation.screens import register_upload_screen
    register_upload_screen(screen)  # screen(*, upload_id, user_id, data) -> reason | None

`upload_decode` runs every screen on the decoded still, in the worker, before
the upload is marked `ready`; the first reason returned rejects the upload
with that reason (its file deleted), so a blocked still is never used.
"""

from __future__ import annotations

from collections.abc import Callable

UploadScreen = Callable[..., str | None]
_screens: list[UploadScreen] = []


def register_upload_screen(screen: UploadScreen) -> None:
    if screen not in _screens:
        _screens.append(screen)


def screen_upload(*, upload_id: int, user_id: int, data: bytes) -> str | None:
    """The first rejection reason of the registered screens, or None when all let it through."""
    for screen in list(_screens):
        reason = screen(upload_id=upload_id, user_id=user_id, data=data)
        if reason:
            return reason
    return None
