"""Signals provenance listens to: outputs made, enrolments verified, content removed, cameos deleted."""

from __future__ import annotations

from typing import Any

from moderation.selectors import case_category
from provenance import services
from sora_social.common.tasks import enqueue_on_commit


def on_generation_finished(sender: Any, job_id: int, state: str, **_: Any) -> None:
    """A job ended; a ready one's stored output is hashed on the media worker."""
    if state == "ready":
        enqueue_on_commit("provenance.hash_output", job_id=job_id)


def on_state_changed(sender: Any, machine: Any, pks: Any, target: Any, **_: Any) -> None:
    """A verified enrolment recording is hashed (and matched against the banks)."""
    if getattr(machine, "name", "") == "cameos.cameo" and str(target) == "verified":
        for pk in pks:
            enqueue_on_commit("provenance.hash_recording", cameo_id=int(pk))


def on_content_actioned(sender: Any, kind: str, object_id: int, action: str, **kwargs: Any) -> None:
    """Removed content joins the auto-filled banks of its case's category."""
    if action != "remove" or kind not in ("generation", "post", "cameo"):
        return
    category = case_category(case_id=kwargs.get("case_id")) or ""
    enqueue_on_commit("provenance.bank_removed", kind=kind, object_id=object_id, category=category)


def on_cameo_deleted(sender: Any, cameo_id: int, **_: Any) -> None:
    """A deleted cameo's recording hashes are biometric-derived data: erased with it."""
    services.media_hashes_erase(kind="enrolment", object_id=cameo_id)


def on_account_deleted(sender: Any, user_id: int, **_: Any) -> None:
    """A deleted member's hashes go with their outputs, uploads and recordings. Bank entries made
    from their removed content stay: they describe content, not the member."""
    services.media_hashes_erase_for_owner(owner_id=user_id)


def screen_upload(*, upload_id: int, user_id: int, data: bytes) -> str | None:
    return services.upload_screen(upload_id=upload_id, user_id=user_id, data=data)
