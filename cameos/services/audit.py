"""The biometric access audit: one row per staff view of a recording, face crop or gallery photo."""

from __future__ import annotations

from cameos.models import BiometricAccess, Cameo, PublicFigure
from sora_social.accounts.models import User


def biometric_access_record(*, actor: User, obj: Cameo | PublicFigure, field: str, ip: str | None) -> None:
    """Write the audit row for one staff view of a biometric file (before the bytes go out)."""
    is_cameo = isinstance(obj, Cameo)
    BiometricAccess.objects.create(
        actor_id=actor.pk,
        subject_kind=BiometricAccess.Subject.CAMEO if is_cameo else BiometricAccess.Subject.PUBLIC_FIGURE,
        subject_id=obj.pk,
        owner_id=obj.owner_id if isinstance(obj, Cameo) else None,
        field=field,
        ip=ip or None,
    )
