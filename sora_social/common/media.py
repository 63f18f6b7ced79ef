"""URLs of stored media, cheaply enough for lists.

A feed page names 40 files. `FileSystemStorage.url` runs `urljoin` for each,
which here cost more than the rest of building the card; for the local media
storage the URL is the storage's base URL followed by the quoted name (names
are validated on save and never hold `..`), plus, for every name that is not
public, one HMAC (`sora_social.common.storage.local_url`), so `media_url`
builds it directly. Any other storage (S3 presigned GETs) is asked as usual.

Quarantined content gets no URL from member-facing code.
"""

from __future__ import annotations

from django.core.files.storage import storages

from sora_social.common.storage import QUARANTINE, MediaFileStorage, is_servable, local_url


def media_url(name: str | None, *, staff: bool = False) -> str | None:
    """The URL of a stored file for a caller allowed to see it now, or None for no file.

    Quarantined (removed) content gets a URL only for staff (`staff=True`, admin code).
    """
    if not name or not is_servable(name) or (not staff and name.startswith(QUARANTINE)):
        return None
    storage = storages["default"]
    if type(storage) is MediaFileStorage:
        base = storage.base_url
        if base and base.endswith("/"):
            return local_url(base, name)
    return storage.url(name)
