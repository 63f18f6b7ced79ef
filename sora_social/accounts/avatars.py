"""Avatar images: checked from the header, decoded within a budget, cropped square, resized, re-encoded.

Unlike the stills for image-to-video (decoded by a worker, see
`generation.images`), an avatar is settled in the request: the member needs
the answer (a bad image is a 4xx and nothing changes), and the budget makes
that safe. The body is at most `AVATAR_MAX_BYTES` (the body-limit middleware
refuses more before Django reads it); the header is checked first (format,
and at most `AVATAR_MAX_SIDE` pixels a side) before any pixel is decoded;
JPEGs are decoded at a reduced scale (`draft`), so a 4096² photo costs a
512² decode; and only the first frame of an animated image is read. The
output is always a fresh JPEG of `AVATAR_SIZE`² pixels without metadata
(no EXIF location leaves the server), so what is stored is never the
member's bytes.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG", "PNG", "WEBP"}
MIN_SIDE = 32


class AvatarError(Exception):
    """An image refused with a code (`corrupt_image`, `unsupported_image_type`, `image_dimensions`)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class Avatar:
    data: bytes
    size: int


def _checked(image: Image.Image) -> None:
    if image.format not in FORMATS:
        raise AvatarError("unsupported_image_type", "Upload a JPEG, PNG or WebP image.", status=415)
    width, height = image.size
    high = settings.AVATAR_MAX_SIDE
    if not (MIN_SIDE <= width <= high and MIN_SIDE <= height <= high):
        raise AvatarError(
            "image_dimensions", f"Width and height must be between {MIN_SIDE} and {high} pixels."
        )


def avatar_render(data: bytes) -> Avatar:
    """The stored avatar made from an uploaded image, or `AvatarError`."""
    size = settings.AVATAR_SIZE
    try:
        with Image.open(io.BytesIO(data)) as image:
            _checked(image)  # header only: nothing decoded yet
            if image.format == "JPEG":
                # Decode at the smallest scale (1/2, 1/4, 1/8) still at least `size` a side.
                image.draft("RGB", (size, size))
            image.seek(0)
            image.load()
            square = ImageOps.fit(
                ImageOps.exif_transpose(image).convert("RGB"), (size, size), Image.Resampling.LANCZOS
            )
    except AvatarError:
        raise
    except Image.DecompressionBombError:
        raise AvatarError("image_dimensions", "The image has too many pixels.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise AvatarError("corrupt_image", "This is not an image we can read.") from None
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)
    return Avatar(data=out.getvalue(), size=size)
