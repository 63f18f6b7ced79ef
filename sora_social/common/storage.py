"""Where media lives and who can reach it (rule 10), on local disk and on S3.

Every stored name starts with a prefix that says who may fetch the object:

- `public/<random>/...`: the video and poster of a post that is published and
  public, and nothing else. Served without authorization, but only under a
  random key (never an id), and only while the post stays public: when it
  stops being public the object moves away (`feed.services`), so the key dies.
- `private/<random>/...` (and names from before these prefixes existed):
  drafts, non-public posts, image uploads. Reached only through a short-lived
  URL signed for that name (`MEDIA_URL_TTL_S`): an HMAC checked by
  `sora_social.common.media_views.media_serve` on local disk, a presigned GET
  on S3.
- `quarantine/<random>/...`: removed content a moderator may restore. Signed
  URLs for it are minted only for staff in the admin (`media_url(staff=True)`,
  `storage.url`), never by the member API; a restore moves it back under a
  fresh key.
- Biometric data (enrolment recordings, face crops, gallery photos) is not in
  this storage at all: it lives in the `biometric` storage alias (its own
  directory, or the `biometric/` prefix of the bucket), which has no URLs.

Removal deletes or moves the object, so every URL minted before (signed or
presigned) names a key that no longer exists.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

PUBLIC = "public/"
PRIVATE = "private/"
QUARANTINE = "quarantine/"
# Names under this prefix are never served by URL (it can only appear if
# someone stored biometric data in the media storage by mistake).
NEVER_SERVED = ("biometric/",)

# Expiries are rounded up to this many seconds, so one object's URL stays the
# same for a while (client and CDN caches, and equal answers within a request).
EXPIRY_GRANULE_S = 30


def new_name(prefix: str, filename: str) -> str:
    """A fresh unguessable storage name: `<prefix><random>/<filename>`."""
    return f"{prefix}{secrets.token_urlsafe(18)}/{filename}"


def is_public(name: str) -> bool:
    return name.startswith(PUBLIC)


def is_servable(name: str) -> bool:
    # Our names never hold "..", so any name that does is refused outright.
    return bool(name) and not name.startswith(NEVER_SERVED) and ".." not in name


@functools.cache
def _keyed(secret: str) -> Any:
    """An HMAC already keyed (its pads hashed), copied per URL: a feed page signs 40."""
    key = hashlib.sha256(b"sora_social.media.url\x00" + secret.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def signature(name: str, expires: int) -> str:
    """The HMAC binding a storage name to an expiry (URL-safe base64, 32 characters, no padding)."""
    mac = _keyed(settings.SECRET_KEY).copy()
    mac.update(f"{name}\n{expires}".encode())
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode()


def signature_valid(name: str, expires: str | None, sig: str | None, *, now: float | None = None) -> bool:
    if not expires or not sig or not expires.isdigit():
        return False
    if int(expires) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(signature(name, int(expires)), sig)


def expiry(now: float | None = None) -> int:
    """When a URL minted now stops working: at least `MEDIA_URL_TTL_S` from now."""
    at = (time.time() if now is None else now) + settings.MEDIA_URL_TTL_S
    return int(-(-at // EXPIRY_GRANULE_S) * EXPIRY_GRANULE_S)


def local_url(base: str, name: str) -> str:
    """The URL of a name in the local storage: plain for public names, signed otherwise."""
    path = base + filepath_to_uri(name).lstrip("/")
    if is_public(name):
        return path
    expires = expiry()
    return f"{path}?exp={expires}&sig={signature(name, expires)}"


class MediaFileStorage(FileSystemStorage):
    """Local media: `url()` gives plain URLs for public names and signed ones for the rest."""

    def url(self, name: str | None) -> str:
        if not name or not is_servable(name):
            raise ValueError(f"{name!r} is never served by URL")
        return local_url(self.base_url, name)


class BiometricFileStorage(FileSystemStorage):
    """Local biometric data, outside the media root; it has no URLs."""

    @cached_property
    def base_location(self) -> str:
        # Beside the media root, never below it (whatever serves media never reaches it).
        # `_location` is FileSystemStorage's constructor argument (its own base_location reads it too).
        root = getattr(self, "_location", None) or getattr(settings, "BIOMETRIC_ROOT", None)
        return str(root or Path(settings.MEDIA_ROOT).parent / "biometric")

    def url(self, name: str | None) -> str:
        raise ValueError("biometric data is never served by URL")


try:
    from botocore.exceptions import ClientError
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - django-storages is a dependency
    S3Storage = None

if S3Storage is not None:

    class MediaS3Storage(S3Storage):
        """S3 media: unsigned URLs for public names (the bucket policy lets anyone read
        `public/*` and nothing else), presigned GETs living `MEDIA_URL_TTL_S` for the rest."""

        def url(
            self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None
        ) -> str:
            if not name or not is_servable(name):
                raise ValueError(f"{name!r} is never served by URL")
            if is_public(name):
                key = self._normalize_name(name)
                if self.custom_domain:
                    return f"{self.url_protocol}//{self.custom_domain}/{filepath_to_uri(key)}"
                return self.unsigned_connection.meta.client.generate_presigned_url(
                    "get_object", Params={"Bucket": self.bucket.name, "Key": key}
                )
            return super().url(name, parameters, expire or settings.MEDIA_URL_TTL_S, http_method)

    class BiometricS3Storage(S3Storage):
        """S3 biometric data under its own prefix; it has no URLs."""

        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("location", "biometric")
            super().__init__(**kwargs)

        def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
            raise ValueError("biometric data is never served by URL")


def move(storage: Any, name: str, to_prefix: str) -> str:
    """Move an object under a fresh random key below `to_prefix`; the old key stops existing.

    A missing source is logged, not raised: the new name then names nothing
    (the content is unreachable either way, and a removal must not fail on it).
    """
    new = new_name(to_prefix, name.rsplit("/", 1)[-1])
    try:
        if isinstance(storage, FileSystemStorage):
            target = storage.path(new)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(storage.path(name), target)
            return new
        _copy(storage, name, new)
    except FileNotFoundError:
        logger.warning("media %s is missing; nothing to move", name)
        return new
    storage.delete(name)
    return new


def copy(storage: Any, name: str, to_prefix: str) -> str:
    """Copy an object under a fresh random key below `to_prefix` (a missing source is logged)."""
    new = new_name(to_prefix, name.rsplit("/", 1)[-1])
    try:
        _copy(storage, name, new)
    except FileNotFoundError:
        logger.warning("media %s is missing; nothing to copy", name)
    return new


def _copy(storage: Any, name: str, new: str) -> None:
    if isinstance(storage, FileSystemStorage):
        target = storage.path(new)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(storage.path(name), target)
        return
    if S3Storage is not None and isinstance(storage, S3Storage):
        bucket = storage.bucket
        try:
            bucket.Object(storage._normalize_name(new)).copy_from(
                CopySource={"Bucket": bucket.name, "Key": storage._normalize_name(name)}
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(name) from exc
            raise
        return
    with storage.open(name, "rb") as handle:
        storage.save(new, handle)
