"""URLs for the browser test: the project's, plus a read endpoint for the test-only "clip" kind.

`GET /api/v1/test-clips/<id>` stands in for `GET /api/v1/posts/<id>` until the
feed app registers "post": 404 once moderation removed the clip.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from moderation import registry
from sora_social.urls import handler404  # noqa: F401
from sora_social.urls import urlpatterns as project_urlpatterns


def clip_detail(request: HttpRequest, clip_id: int) -> JsonResponse:
    store = registry.adapter_for("clip")
    item = store.items.get(clip_id)  # type: ignore[attr-defined]
    if item is None or item["removed"]:
        return JsonResponse(
            {"error": {"code": "not_found", "message": "Not found.", "details": {}}}, status=404
        )
    return JsonResponse({"id": str(clip_id), "title": item["title"]})


urlpatterns = [path("api/v1/test-clips/<int:clip_id>", clip_detail), *project_urlpatterns]
