"""Render backends: the registry and the configured one.

`GENERATION_BACKEND` names a registered backend (`procedural`, built in) or a
dotted path to a backend class (a GPU model, see docs/GENERATION.md). Dotted-path backends
are imported lazily: the web tier never loads model code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from generation.backends.base import Backend, RenderCancelled, RenderContext, RenderRequest, RenderResult
from generation.backends.procedural import ProceduralBackend

__all__ = [
    "Backend",
    "RenderCancelled",
    "RenderContext",
    "RenderRequest",
    "RenderResult",
    "get_backend",
    "register_backend",
]

_FACTORIES: dict[str, Callable[[], Backend]] = {}
_INSTANCES: dict[str, Backend] = {}
_lock = threading.Lock()


def register_backend(name: str, factory: Callable[[], Backend]) -> None:
    """Make a backend available by name (tests register their own)."""
    with _lock:
        _FACTORIES[name] = factory
        _INSTANCES.pop(name, None)


def _procedural() -> Backend:
    return ProceduralBackend()


register_backend("procedural", _procedural)


def get_backend(name: str | None = None) -> Backend:
    """The named (default: configured) backend, built once per process: GPU models load once."""
    # The setting is declared with a default (env_str): never None, which its type cannot say.
    name = name or cast(str, settings.GENERATION_BACKEND)
    with _lock:
        if name not in _INSTANCES:
            factory = _FACTORIES.get(name) or import_string(name)
            _INSTANCES[name] = factory()
        return _INSTANCES[name]
