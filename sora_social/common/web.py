"""The server-rendered web pages' plumbing, and the app-link files.

Web pages (`/p/<id>` share pages in feed, `/i/<code>` invite pages in
accounts) are HTML for people and link previewers, not the JSON API: they
render templates extending `web/base.html`, answer errors as HTML pages with
the right status, and send a strict Content-Security-Policy (no script runs
on them at all; forms post only to ourselves; no framing).

The app-link files tell iOS and Android which app opens those paths:
`/.well-known/apple-app-site-association` (JSON, no extension, never a
redirect) and `/.well-known/assetlinks.json`, both from settings
(`APP_IOS_APP_IDS`, `APP_ANDROID_PACKAGE`, `APP_ANDROID_CERT_FINGERPRINTS`).
Android takes the paths from the app's manifest; iOS from the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from rest_framework.throttling import BaseThrottle

from sora_social.common.errors import ApplicationError

# The paths the mobile app opens itself (share pages and invite links).
APP_LINK_PATHS = ("/p/*", "/i/*")
APP_LINKS_CACHE_S = 3600
_CSP = (
    "default-src 'none'; img-src 'self' https: data:; media-src 'self' https:; "
    "style-src 'unsafe-inline'; form-action 'self'; frame-ancestors {frames}; base-uri 'none'"
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP as the API's throttles see it (honours NUM_PROXIES)."""
    # get_ident reads only `request.META`, which a plain Django request has too.
    return BaseThrottle().get_ident(request) or None  # type: ignore[arg-type]  # see above


def absolute(request: HttpRequest, url: str) -> str:
    """`url` made absolute: against WEB_BASE_URL when set, else the request's own origin."""
    if url.startswith(("https://", "http://")):
        return url
    base = settings.WEB_BASE_URL
    if base:
        return base.rstrip("/") + "/" + url.lstrip("/")
    return request.build_absolute_uri(url)


def page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    frame_ancestors: str = "'none'",
) -> HttpResponse:
    """A web page: the template rendered with the CSP every web page carries (framing refused
    unless the page says otherwise: only the embeddable player does)."""
    response = render(request, template, dict(context), status=status)
    response["Content-Security-Policy"] = _CSP.format(frames=frame_ancestors)
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


def error_page(request: HttpRequest, error: ApplicationError, *, title: str | None = None) -> HttpResponse:
    """An error as a web page with the error's status (and Retry-After for 429)."""
    response = page(
        request,
        "web/error.html",
        {"title": title or error.message, "message": error.message, "code": error.code},
        status=error.status,
    )
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    patch_cache_control(response, no_store=True)
    return response


def _app_links_response(body: Any) -> JsonResponse:
    response = JsonResponse(body, safe=False, json_dumps_params={"separators": (",", ":")})
    patch_cache_control(response, public=True, max_age=APP_LINKS_CACHE_S)
    return response


def apple_app_site_association_body() -> dict[str, Any]:
    """Universal links for every configured iOS app id: share pages and invite links."""
    app_ids = list(settings.APP_IOS_APP_IDS)
    details = [{"appIDs": app_ids, "components": [{"/": path} for path in APP_LINK_PATHS]}] if app_ids else []
    return {"applinks": {"details": details}}


def assetlinks_body() -> list[dict[str, Any]]:
    """Digital Asset Links for the configured Android package (none when unset)."""
    package = settings.APP_ANDROID_PACKAGE
    if not package:
        return []
    return [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": package,
                "sha256_cert_fingerprints": [f.upper() for f in settings.APP_ANDROID_CERT_FINGERPRINTS],
            },
        }
    ]


@require_safe
def apple_app_site_association(request: HttpRequest) -> JsonResponse:
    return _app_links_response(apple_app_site_association_body())


@require_safe
def assetlinks(request: HttpRequest) -> JsonResponse:
    return _app_links_response(assetlinks_body())


urlpatterns = [
    path(".well-known/apple-app-site-association", apple_app_site_association, name="aasa"),
    path(".well-known/assetlinks.json", assetlinks, name="assetlinks"),
]
