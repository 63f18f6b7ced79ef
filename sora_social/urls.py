"""Root URLs: the API under /api/v1/, schema and docs, admin, health, local media."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sora_social.common import health

api_v1 = [
    path("", include("sora_social.accounts.api.urls")),
    path("", include("sora_social.common.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("cameos.api.urls")),
    path("", include("generation.api.urls")),
    path("", include("feed.api.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

if settings.SERVE_STATIC and not getattr(settings, "AWS_STORAGE_BUCKET_NAME", None):
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media")
    )

handler400 = "sora_social.common.errors.handler400"
handler403 = "sora_social.common.errors.handler403"
handler404 = "sora_social.common.errors.handler404"
handler500 = "sora_social.common.errors.handler500"

admin.site.site_header = "Sora Social moderation"
admin.site.site_title = "Sora Social"
admin.site.index_title = "Trust & safety, members and content"
