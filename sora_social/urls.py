"""Root URLs: the API under /api/v1/, schema and docs, admin, health, web pages and app links, local media (checked)."""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sora_social.accounts.admin_login import ThrottledAdminLoginForm
from sora_social.common import health
from sora_social.common.media_views import media_serve


def _routes(urlconf: str) -> list[Any]:
    """An app's routes (its API's, or its web pages'), to splice into one flat list.

    Nested `include("")`s cost a request for the last app's routes one raised
    and caught Resolver404, with its patterns copied into a "tried" list, for
    every app before it; a flat list is tried pattern by pattern instead.
    """
    return list(import_module(urlconf).urlpatterns)


# The feed's routes (the busiest) first.
api_v1 = [
    *_routes("feed.api.urls"),
    *_routes("sora_social.accounts.api.urls"),
    *_routes("sora_social.notifications.api.urls"),
    *_routes("sora_social.common.api.urls"),
    *_routes("moderation.api.urls"),
    *_routes("cameos.api.urls"),
    *_routes("generation.api.urls"),
    *_routes("provenance.api.urls"),
    *_routes("messaging.api.urls"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Web pages people land on from a shared link (/p/, /u/, /i/; the app opens /p/ and /i/
    # itself through the app-link files under /.well-known/).
    *_routes("feed.web"),
    *_routes("generation.web"),  # POST /hooks/videos: a remote video service's signed webhooks
    *_routes("sora_social.accounts.web"),
    *_routes("sora_social.common.web"),
    path("", include("provenance.urls")),  # the public /verify page
]

if not getattr(settings, "AWS_STORAGE_BUCKET_NAME", None):
    # Local media only through the checks of `media_serve` (public names, or a valid signature).
    urlpatterns.append(re_path(r"^media/(?P<name>.+)$", media_serve, name="media"))

handler400 = "sora_social.common.errors.handler400"
handler403 = "sora_social.common.errors.handler403"
handler404 = "sora_social.common.errors.handler404"
handler500 = "sora_social.common.errors.handler500"

admin.site.site_header = "Sora Social moderation"
admin.site.site_title = "Sora Social"
admin.site.index_title = "Trust & safety, members and content"
admin.site.login_form = ThrottledAdminLoginForm
