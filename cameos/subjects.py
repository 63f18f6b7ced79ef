"""Cameos as moderation subjects: reports on a cameo ("this is my face, not theirs") reach the
review queue, and a moderator's removal deletes the cameo with its face data."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cameos import services
from cameos.models import Appearance, Cameo
from cameos.selectors import cameo_visible_to
from moderation import signals as m
from moderation.registry import NoRelatives, RowSubject, SubjectView
from sora_social.accounts.models import User
from sora_social.common.errors import NotFound


class CameoSubjects(RowSubject, NoRelatives):
    model = Cameo
    owner_field = "owner_id"

    def visible_to(self, object_id: int, user: User) -> bool:
        try:
            cameo_visible_to(user_id=user.pk, cameo_id=object_id)
        except NotFound:
            return False
        return True

    def reach(self, object_id: int) -> int:
        # A likeness reaches as far as the videos that carry it.
        return Appearance.objects.filter(cameo_id=object_id).count()

    def render(self, object_id: int) -> SubjectView:
        cameo = Cameo.objects.select_related("owner").get(pk=object_id)
        return SubjectView(
            title=f"Cameo of @{cameo.owner.username}",
            owner_id=cameo.owner_id,
            text=cameo.rules,
            # The admin's audited door, not a file URL (needs `view_biometrics`).
            image_url=reverse("admin:cameos_cameo_biometric", args=[cameo.pk, "reference_image"])
            if cameo.reference_image
            else None,
            admin_url=f"/admin/cameos/cameo/{cameo.pk}/change/",
            extra={"state": cameo.state, "audience": cameo.audience},
        )


def on_content_actioned(sender: Any, kind: str, object_id: int, action: str, **_: Any) -> None:
    """A moderator removed a cameo (say, enrolled from someone else's face): delete it, which
    removes every appearance and erases its face data. There is nothing left to restore."""
    if kind != "cameo" or action != m.REMOVE:
        return
    cameo = Cameo.objects.filter(pk=object_id).first()
    if cameo is not None:
        services.cameo_delete(cameo=cameo)
