"""Face models behind one small interface: detect (boxes + landmarks), align, embed, compare.

The backend modules are light; the models they wrap (dlib, onnxruntime) are
imported only when a backend is built (worker code paths only), so the web tier
never loads them. `get_backend()` returns the configured one, cached per process.
"""

from __future__ import annotations

import threading

from django.conf import settings

from cameos.faces.base import Face, FaceBackend
from cameos.faces.dlib_backend import DlibBackend
from cameos.faces.insightface_backend import InsightFaceBackend

__all__ = ["Face", "FaceBackend", "get_backend", "reset_backend"]

_lock = threading.Lock()
_backend: FaceBackend | None = None


def get_backend() -> FaceBackend:
    global _backend
    with _lock:
        if _backend is None:
            name = settings.CAMEOS_FACE_BACKEND
            if name == "dlib":
                _backend = DlibBackend()
            elif name == "insightface":
                _backend = InsightFaceBackend(model_dir=settings.CAMEOS_INSIGHTFACE_DIR)
            else:
                raise ValueError(f"unknown CAMEOS_FACE_BACKEND {name!r} (dlib or insightface)")
        return _backend


def reset_backend() -> None:
    """Forget the cached backend (tests switch backends through settings)."""
    global _backend
    with _lock:
        _backend = None
