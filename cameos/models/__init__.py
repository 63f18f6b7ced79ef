"""Models of the cameos app: cameos and their state machine, consent, appearances,
notifications, and the likeness registry (one embedding table per face model)."""

from cameos.models.appearance import Appearance
from cameos.models.audit import BiometricAccess
from cameos.models.cameo import Audience, Cameo, CameoState
from cameos.models.consent import CameoAccess, CameoRequest, CameoUseApproval
from cameos.models.registry import (
    ArcFaceEmbedding,
    DlibFaceEmbedding,
    EmbeddingPool,
    PublicFigure,
    SubjectKind,
)

__all__ = [
    "Appearance",
    "ArcFaceEmbedding",
    "Audience",
    "BiometricAccess",
    "Cameo",
    "CameoAccess",
    "CameoRequest",
    "CameoState",
    "CameoUseApproval",
    "DlibFaceEmbedding",
    "EmbeddingPool",
    "PublicFigure",
    "SubjectKind",
]
