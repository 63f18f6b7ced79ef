"""A secret generated once into a file, shared by every process of one checkout.

Created atomically: the key is written to a private temporary file (mode
0600 from the start) and hard-linked into place. `os.link` fails when the
name exists, so of processes racing to create it the first wins and every
one of them, winner or not, returns the key that is in the file; nobody ever
reads a half-written or replaced key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def read_or_create_secret(path: Path, *, nbytes: int = 50) -> str:
    existing = _read(path)
    if existing:
        return existing
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # another process was first: keep its key
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    key = _read(path)
    if not key:
        raise RuntimeError(f"{path} is empty; remove it and start again")
    return key


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""
