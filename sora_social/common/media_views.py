"""The one door to local media: `/media/<name>`, for the local-disk storage only.

Public names (`public/…`) are served to anyone; every other name only with a
valid, unexpired signature bound to that exact name (`?exp=…&sig=…`, minted by
`sora_social.common.media.media_url` for a caller allowed to see the object at
that moment). Quarantined names need a signature too (minted only for staff);
nothing outside the media root is served, and biometric data is not in this
storage. Failures are 404 with the JSON error body, whatever the reason (no
signature, bad signature, expired, missing), so a probe learns nothing about
which names exist.

With `MEDIA_X_ACCEL_PREFIX` set, the checked file is handed to a fronting
nginx (`X-Accel-Redirect` to an `internal` location aliasing the media root);
otherwise the app streams it, with single byte ranges (video players seek).
On S3 this view serves nothing: URLs point at the bucket (presigned GETs).
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import storages
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.encoding import filepath_to_uri
from django.views.decorators.http import require_safe

from sora_social.common.errors import handler404
from sora_social.common.storage import MediaFileStorage, is_public, is_servable, signature_valid

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024


def _not_found(request: HttpRequest) -> HttpResponse:
    return handler404(request)


@require_safe
def media_serve(request: HttpRequest, name: str) -> HttpResponseBase:
    storage = storages["default"]
    if not isinstance(storage, MediaFileStorage) or not is_servable(name) or name.startswith("/"):
        return _not_found(request)
    if not is_public(name) and not signature_valid(name, request.GET.get("exp"), request.GET.get("sig")):
        return _not_found(request)
    try:
        path = storage.path(name)  # refuses names outside the media root
    except Exception:
        return _not_found(request)
    if not os.path.isfile(path):
        return _not_found(request)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    cache = "public, max-age=300" if is_public(name) else "private, no-store"

    if settings.MEDIA_X_ACCEL_PREFIX:
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_X_ACCEL_PREFIX.rstrip("/") + "/" + filepath_to_uri(name)
        response["Cache-Control"] = cache
        return response

    size = os.path.getsize(path)
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(
            _read(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 (closed by Django)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache
    return response


def _read(path: str, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
