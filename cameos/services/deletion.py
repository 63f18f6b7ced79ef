"""Deletion: a cameo goes with every appearance (signalled), its face data and its recordings."""

from __future__ import annotations

from django.db import transaction

from cameos import registry, signals
from cameos.models import Appearance, Cameo, CameoAccess, CameoRequest, SubjectKind
from cameos.services.appearances import remove_appearances


def cameo_delete(*, cameo: Cameo) -> None:
    """Delete a cameo: every appearance removed (signalled), face data and recordings erased."""
    with transaction.atomic():
        cameo = Cameo.objects.select_for_update().get(pk=cameo.pk)
        remove_appearances(cameo_id=cameo.pk, appearances=Appearance.objects.filter(cameo_id=cameo.pk))
        signals.cameo_deleted.send(sender=Cameo, cameo_id=cameo.pk)
        registry.erase(subject_kind=SubjectKind.CAMEO, subject_ids=[cameo.pk])
        files = [f.name for f in (cameo.recording, cameo.reference_image) if f.name]
        storage = cameo.recording.storage
        cameo.delete()

        def delete_files() -> None:
            for name in files:
                storage.delete(name)

        # Files go only once the rows are gone for good.
        transaction.on_commit(delete_files)


def cameos_delete_for_account(*, user_id: int) -> int:
    """A member deleted their account: each of their cameos is deleted (appearances removed,
    face data and recordings erased), and the grants and requests they held on others' cameos end.

    Receiver side of `sora_social.accounts.signals.account_deleted`, inside its
    transaction. Returns how many cameos were deleted.
    """
    with transaction.atomic():
        cameos = list(Cameo.objects.select_for_update().filter(owner_id=user_id).order_by("id"))
        for cameo in cameos:
            cameo_delete(cameo=cameo)
        CameoAccess.objects.filter(user_id=user_id).delete()
        CameoRequest.objects.filter(requester_id=user_id).delete()
    return len(cameos)
