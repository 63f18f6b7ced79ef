"""Server-to-server hooks of the generation app, outside the member API.

`POST /hooks/videos`: Standard Webhooks deliveries (`video.completed`,
`video.failed`) from a remote `/v1/videos` service
(`backends.remote_videos`), so a waiting render stops polling as soon as the
service is done. Only deliveries signed with `GENERATION_REMOTE_WEBHOOK_SECRET`
are taken; anything else is `400 invalid_webhook` and changes nothing, and the
hook answers `404` while no secret is configured (the door does not exist).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from generation.backends.remote_videos import WebhookInvalid, webhook_receive
from sora_social.common.errors import error_body


@csrf_exempt  # signed by the sender (HMAC over id, timestamp and body), not by a session
@require_POST
def remote_videos_hook(request: HttpRequest) -> HttpResponse:
    if not settings.GENERATION_REMOTE_WEBHOOK_SECRET:
        return JsonResponse(error_body("not_found", "No such hook."), status=404)
    try:
        webhook_receive(dict(request.headers), request.body)
    except WebhookInvalid as exc:
        return JsonResponse(error_body("invalid_webhook", f"The delivery was refused: {exc}."), status=400)
    return HttpResponse(status=204)


urlpatterns = [path("hooks/videos", remote_videos_hook, name="remote-videos-hook")]
