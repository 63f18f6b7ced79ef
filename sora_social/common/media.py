"""Public URLs of stored media, cheaply enough for lists.

A feed page names 40 files. `FileSystemStorage.url` runs `urljoin` for each,
which here cost more than the rest of building the card; its result is just
the storage's base URL followed by the quoted name when the base ends in a
slash (names are validated on save and never hold `..`), so for that
storage `media_url` concatenates.
Any other storage (S3, signed URLs) is asked as usual.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, storages
from django.utils.encoding import filepath_to_uri


def media_url(name: str | None) -> str | None:
    """The URL of a stored file, or None for no file."""
    if not name:
        return None
    storage = storages["default"]
    base = storage.base_url if type(storage) is FileSystemStorage else None
    if base and base.endswith("/"):
        return base + filepath_to_uri(name).lstrip("/")
    return storage.url(name)
