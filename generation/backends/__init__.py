"""Render backends: the registry and the configured one.

`GENERATION_BACKEND` names a registered backend (`procedural`, built in;
`diffusers`, Wan / LTX pipelines on this worker's GPU; `remote`, a `/v1/videos`
service) or a dotted path to a backend class (docs/GENERATION.md). Model and
client backends are imported lazily: the web tier never loads model code.

Modules: `base` (the interface), `procedural`, `diffusers_backend`, `remote_videos`,
`fitting` (size and rate to the product's frame), `storyboard` (shots in order),
`audio` (the audio stage), `tiny` (toy random-weight pipelines for tests and the bench).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from generation.backends.base import (
    Backend,
    RenderCancelled,
    RenderContext,
    RenderFailed,
    RenderRequest,
    RenderResult,
    Shot,
)
from generation.backends.procedural import ProceduralBackend

__all__ = [
    "Backend",
    "RenderCancelled",
    "RenderContext",
    "RenderFailed",
    "RenderRequest",
    "RenderResult",
    "Shot",
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


def _diffusers() -> Backend:
    # Imported when first asked for: only gpu workers configured for it load model code.
    return cast(Backend, import_string("generation.backends.diffusers_backend.DiffusersBackend")())


def _remote() -> Backend:
    return cast(Backend, import_string("generation.backends.remote_videos.RemoteVideosBackend")())


register_backend("procedural", _procedural)
register_backend("diffusers", _diffusers)
register_backend("remote", _remote)


def get_backend(name: str | None = None) -> Backend:
    """The named (default: configured) backend, built once per process: GPU models load once."""
    # The setting is declared with a default (env_str): never None, which its type cannot say.
    name = name or cast(str, settings.GENERATION_BACKEND)
    with _lock:
        if name not in _INSTANCES:
            factory = _FACTORIES.get(name) or import_string(name)
            _INSTANCES[name] = factory()
        return _INSTANCES[name]
