"""The feed's web pages: `GET /p/<post_id>` (share page, and `/embed`, the bare player that the
Twitter player card frames) and `GET /u/<username>` (a creator's page).

Server-rendered HTML for people and link previews. The share page
(`feed/share.html`) has the video with its poster, Open Graph and
Twitter-card tags, the AI-made label (every video carries a signed C2PA
manifest), the creator and the remix lineage; the creator page lists the
creator's newest public posts. Only what everyone may see has a page
(`selectors.share_post`, `selectors.creator_posts`); every other id or name
gets one and the same 404 page. Shared caches may keep a page
`WEB_SHARE_CACHE_S` seconds; its media URLs are the public names' plain URLs,
which die at once when a post stops being public, whatever a cache still holds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from feed import presenters, selectors
from sora_social.common.errors import NotFound
from sora_social.common.web import absolute, error_page, page

NOT_AVAILABLE = "This video is not available"
NO_CREATOR = "This creator is not available"


def share_path(post_id: int) -> str:
    return reverse("share-page", kwargs={"post_id": str(post_id)})


def embed_path(post_id: int) -> str:
    return reverse("share-embed", kwargs={"post_id": str(post_id)})


def creator_path(username: str) -> str:
    return reverse("creator-page", kwargs={"username": username})


def _cached(response: HttpResponse, seconds: int) -> HttpResponse:
    """Public for `seconds` (0: every use revalidates)."""
    if "Cache-Control" in response:
        del response["Cache-Control"]
    if seconds > 0:
        patch_cache_control(response, public=True, max_age=seconds)
    else:
        patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _unavailable(request: HttpRequest, exc: NotFound, title: str) -> HttpResponse:
    return _cached(error_page(request, exc, title=title), settings.WEB_SHARE_CACHE_S // 2)


def _share_context(request: HttpRequest, post_id: str) -> dict[str, Any]:
    """The share page's context (the embed page uses it too); NotFound for a post not everyone sees."""
    shared = selectors.share_post(post_id=post_id)
    context = presenters.share_page_out(
        shared, absolute=lambda url: absolute(request, url), page_url=share_path, creator_url=creator_path
    )
    context["embed_url"] = absolute(request, embed_path(int(shared.card["id"])))
    return context


@require_safe
def share_page(request: HttpRequest, post_id: str) -> HttpResponse:
    try:
        context = _share_context(request, post_id)
    except NotFound as exc:
        return _unavailable(request, exc, NOT_AVAILABLE)
    return _cached(page(request, "feed/share.html", context), settings.WEB_SHARE_CACHE_S)


@xframe_options_exempt
@require_safe
def share_embed(request: HttpRequest, post_id: str) -> HttpResponse:
    """The bare player the Twitter player card frames: the same post rules, frameable by anyone."""
    try:
        context = _share_context(request, post_id)
    except NotFound as exc:
        return _unavailable(request, exc, NOT_AVAILABLE)
    response = page(request, "feed/embed.html", context, frame_ancestors="*")
    return _cached(response, settings.WEB_SHARE_CACHE_S)


@require_safe
def creator_page(request: HttpRequest, username: str) -> HttpResponse:
    try:
        author, rows = selectors.creator_posts(username=username)
    except NotFound as exc:
        return _unavailable(request, exc, NO_CREATOR)
    context = presenters.creator_page_out(
        author, rows, absolute=lambda url: absolute(request, url), page_url=share_path
    )
    return _cached(page(request, "feed/creator.html", context), settings.WEB_SHARE_CACHE_S)


urlpatterns = [
    path("p/<str:post_id>", share_page, name="share-page"),
    path("p/<str:post_id>/embed", share_embed, name="share-embed"),
    path("u/<str:username>", creator_page, name="creator-page"),
]
