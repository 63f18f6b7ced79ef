"""The public `/verify` page: anyone uploads a clip or image and reads where it came from.

A plain Django form posting to itself (no JavaScript needed), rate-limited
like the API by client IP. The upload is read into memory and dropped with
the request: nothing is written to storage or the database (Django's upload
handlers spool large files to a temporary file, which Django deletes when the
request ends).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect

from provenance.api.views import lookup
from provenance.throttles import LookupIPThrottle
from sora_social.common.errors import ApplicationError


@csrf_protect
def verify(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        throttle = LookupIPThrottle()
        if not throttle.allow_request(request, None):
            context["error"] = "Too many lookups from here; try again in a minute."
            status = 429
        else:
            try:
                context["answer"] = lookup(request, request.FILES.get("file"))  # type: ignore[arg-type]
            except ApplicationError as exc:
                context["error"] = exc.message
                status = exc.status
    return render(request, "provenance/verify.html", context, status=status)
