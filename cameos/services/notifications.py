"""The owner's cameo notifications: kinds `cameo.*` of the one notification system.

They are stored, grouped, counted, sent live and pushed by
`sora_social.notifications`; this module only says what a cameo notice
carries (the cameo, its state, the details).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cameos.models import Cameo
from sora_social.notifications.services import notification_create
from sora_social.notifications.services import notifications_mark_read as _mark_read

if TYPE_CHECKING:
    from sora_social.notifications.models import Notification

CAMEO_PREFIX = "cameo."


def notify_owner(
    cameo: Cameo, kind: str, *, actor_id: int | None = None, data: dict[str, Any] | None = None
) -> Notification | None:
    """Notify the owner (kind `cameo.<what>`); None when they muted it or did it themselves."""
    return notification_create(
        user_id=cameo.owner_id,
        kind=kind,
        payload={"cameo_id": str(cameo.pk), "state": cameo.state, **(data or {})},
        actor_id=actor_id,
        target_type="cameo",
        target_id=cameo.pk,
    )


def notifications_mark_read(*, user_id: int, up_to_id: int | None = None) -> int:
    """The deprecated cameo list's "mark read": marks the groups of my `cameo.*` notifications."""
    return _mark_read(user_id=user_id, up_to_id=up_to_id, kind_prefix=CAMEO_PREFIX)
