"""One typed loader for every environment variable the project reads.

Each variable is declared once, with its type, default and a sentence of
documentation; the README's table is generated from this registry
(`manage.py env_table`) and a test keeps the two in step. Nothing else in the
project may read `os.environ` for configuration.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """An environment variable has a value that cannot be parsed."""


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    default: str
    doc: str


REGISTRY: dict[str, Variable] = {}


def _declare(name: str, kind: str, default: object, doc: str) -> str | None:
    shown = "(unset)" if default is None else str(default)
    if isinstance(default, bool):
        shown = "true" if default else "false"
    if isinstance(default, list | tuple):
        shown = ",".join(str(item) for item in default) or "(empty)"
    REGISTRY[name] = Variable(name=name, kind=kind, default=shown, doc=doc)
    return os.environ.get(name)


def _parse(name: str, raw: str, parser: Callable[[str], T], kind: str) -> T:
    try:
        return parser(raw)
    except ValueError as exc:
        raise EnvError(f"{name}={raw!r} is not a valid {kind}") from exc


def env_str(name: str, default: str | None, doc: str) -> str | None:
    raw = _declare(name, "string", default, doc)
    return default if raw is None else raw


def env_bool(name: str, default: bool, doc: str) -> bool:
    raw = _declare(name, "bool", default, doc)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(name: str, default: int, doc: str) -> int:
    raw = _declare(name, "int", default, doc)
    return default if raw is None else _parse(name, raw, int, "integer")


def env_float(name: str, default: float, doc: str) -> float:
    raw = _declare(name, "float", default, doc)
    return default if raw is None else _parse(name, raw, float, "number")


def env_list(name: str, default: list[str], doc: str) -> list[str]:
    raw = _declare(name, "list", default, doc)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def markdown_table() -> str:
    """The README table of every declared variable, in declaration order."""
    lines = ["| variable | type | default | meaning |", "| --- | --- | --- | --- |"]
    for var in REGISTRY.values():
        default = var.default.replace("|", "\\|")
        lines.append(f"| `{var.name}` | {var.kind} | `{default}` | {var.doc} |")
    return "\n".join(lines)
