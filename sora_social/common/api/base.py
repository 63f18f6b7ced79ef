"""The API's view base: DRF's `APIView`, handing Django a response that is already rendered.

DRF's `Response` is a template response, rendered late. Under ASGI, Django
renders such a response with one more trip to a worker thread after the view
has returned (`sync_to_async(response.render)`), which on every API request
cost about as much as a middleware's trip (a tenth of a `/healthz`). Rendered
here instead, in the thread the view already runs in, the response goes back
as a plain `HttpResponse`: the same bytes, status, headers and cookies, and
`.data` kept for whoever reads it in process (the tests).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework import views
from rest_framework.response import Response


def rendered(response: Response) -> HttpResponse:
    """A rendered DRF response as a plain `HttpResponse` (nothing left for Django to render)."""
    response.render()
    plain = HttpResponse(status=response.status_code, reason=response.reason_phrase)
    plain.headers = response.headers
    plain.cookies = response.cookies
    plain.content = response.content
    plain.data = response.data  # type: ignore[attr-defined]  # kept for in-process readers (the tests)
    # `_resource_closers`: Django's private list of what to close after the response; the stubs omit it.
    plain._resource_closers.extend(response._resource_closers)  # type: ignore[attr-defined]
    return plain


class APIView(views.APIView):
    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        return rendered(response) if isinstance(response, Response) else response
