"""Push providers, built once per process from settings: APNs for `ios`, FCM for `android`.

A platform whose provider is not configured has none: its devices stay
registered and simply get no push (logged once), so a deployment can turn
push on later without members registering again.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from sora_social.notifications.push.apns import APNsProvider
from sora_social.notifications.push.base import Outcome, PushProvider, Result
from sora_social.notifications.push.fcm import FCMProvider

__all__ = ["Outcome", "PushProvider", "Result", "provider_for", "providers_reset"]

logger = logging.getLogger(__name__)


def _read(path: str) -> str:
    return Path(path).read_text()


def _apns() -> PushProvider | None:
    key = settings.APNS_KEY_FILE
    if not (key and settings.APNS_KEY_ID and settings.APNS_TEAM_ID and settings.APNS_TOPIC):
        return None
    return APNsProvider(
        base_url=settings.APNS_URL,
        key_pem=_read(key),
        key_id=settings.APNS_KEY_ID,
        team_id=settings.APNS_TEAM_ID,
        topic=settings.APNS_TOPIC,
    )


def _fcm() -> PushProvider | None:
    path = settings.FCM_CREDENTIALS_FILE
    if not path:
        return None
    credentials: dict[str, Any] = json.loads(_read(path))
    project = settings.FCM_PROJECT_ID or credentials.get("project_id", "")
    return FCMProvider(base_url=settings.FCM_URL, project_id=project, credentials=credentials)


_BUILDERS = {"ios": _apns, "android": _fcm}
_built: dict[str, PushProvider | None] = {}
_lock = threading.Lock()


def provider_for(platform: str) -> PushProvider | None:
    """The configured provider of `platform` (`ios`, `android`), or None; built once per process."""
    with _lock:
        if platform not in _built:
            builder = _BUILDERS.get(platform)
            _built[platform] = builder() if builder else None
            if _built[platform] is None:
                logger.info("push: no provider configured for %s", platform)
        return _built[platform]


def providers_reset() -> None:
    """Close and forget the built providers (their settings changed)."""
    with _lock:
        for provider in _built.values():
            if provider is not None:
                provider.close()
        _built.clear()


def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting.startswith(("APNS_", "FCM_")):
        providers_reset()


setting_changed.connect(_on_setting_changed, dispatch_uid="notifications.push.providers")
