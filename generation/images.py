"""Uploaded stills: header checks for the web request, the bounded full decode for workers.

`probe` reads only the header (format and dimensions; Pillow opens lazily) and
checks the pixel budget from it: nothing is decoded in a web thread. `decode`
(workers only: the upload task and the pipeline) decodes every pixel of the
first frame within that pixel budget and a wall-time budget,
GENERATION_UPLOAD_DECODE_TIMEOUT_S, checked before each block Pillow reads.
Errors carry a machine-readable code: `corrupt_image`, `unsupported_image_type`,
`image_dimensions`, `decode_timeout`.
"""

from __future__ import annotations

import io
import struct
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


class ImageError(Exception):
    """An image refused with a code. Not an OSError/ValueError, so Pillow never swallows it."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        self.code = code
        self.message = message
        self.details = details or {}
        super().__init__(message)


@dataclass(frozen=True)
class Header:
    format: str
    width: int
    height: int


def _open(source: Any) -> Any:
    """Image.open: reads the header only. Pillow's own bomb guard (MAX_IMAGE_PIXELS) raises
    DecompressionBombError here for absurd headers; our side limits are far tighter and
    are checked right after, still before any pixel is decoded."""
    return Image.open(source)


def _check(header: Header) -> None:
    if header.format not in IMAGE_TYPES:
        raise ImageError("unsupported_image_type", "Upload a JPEG, PNG or WebP image.")
    low, high = settings.GENERATION_UPLOAD_MIN_SIDE, settings.GENERATION_UPLOAD_MAX_SIDE
    if not (low <= header.width <= high and low <= header.height <= high):
        raise ImageError(
            "image_dimensions",
            f"Width and height must be between {low} and {high} pixels.",
            {"width": header.width, "height": header.height},
        )


def probe(data: bytes) -> Header:
    """Format and dimensions from the header only, checked against the limits. Decodes nothing."""
    try:
        with _open(io.BytesIO(data)) as image:
            header = Header(image.format or "", *image.size)
    except Image.DecompressionBombError:
        raise ImageError("image_dimensions", "The image has too many pixels.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise ImageError("corrupt_image", "This is not an image we can read.") from None
    _check(header)
    return header


class _Deadline(io.BytesIO):
    """The bytes, refusing to hand Pillow another block once the wall-time budget is spent."""

    def __init__(self, data: bytes, deadline: float) -> None:
        super().__init__(data)
        self.deadline = deadline

    def read(self, size: int | None = -1) -> bytes:
        if time.monotonic() >= self.deadline:
            raise ImageError("decode_timeout", "The image took too long to decode.")
        return super().read(size)


def decode(data: bytes) -> np.ndarray:
    """Every pixel of the first frame, as RGB, within the pixel and wall-time budgets (workers only)."""
    deadline = time.monotonic() + settings.GENERATION_UPLOAD_DECODE_TIMEOUT_S
    try:
        with _open(_Deadline(data, deadline)) as image:
            # The header is read again here: the worker trusts nothing the request saw.
            _check(Header(image.format or "", *image.size))
            image.load()
            pixels = np.asarray(image.convert("RGB"))
    except ImageError:
        raise
    except Image.DecompressionBombError:
        raise ImageError("image_dimensions", "The image has too many pixels.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise ImageError("corrupt_image", "The image is damaged and cannot be decoded.") from None
    if time.monotonic() >= deadline:
        raise ImageError("decode_timeout", "The image took too long to decode.")
    return pixels
