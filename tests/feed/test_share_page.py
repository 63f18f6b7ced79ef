"""The share page `/p/<id>`: public posts only, Open Graph tags, lineage, escaping, cache headers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feed import services
from feed.models import Post
from sora_social.accounts import services as accounts_services
from sora_social.common.storage import is_public
from tests.accounts.factories import UserFactory, born_years_ago
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db


class _Meta(HTMLParser):
    """The page's <meta> tags (property or name → content), <html lang>, and its <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.lang = ""
        self.scripts = 0
        self.landmarks: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name") or ""] = a.get("content") or ""
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "script":
            self.scripts += 1
        if tag in {"main", "header", "footer", "nav", "article"}:
            self.landmarks.add(tag)


def parsed(response) -> _Meta:
    parser = _Meta()
    parser.feed(response.content.decode())
    return parser


def test_public_post_page_has_video_poster_and_open_graph_tags(client):
    """A public post's page: og:video/og:image absolute public media URLs, og:title, video.other, twitter card."""
    author = UserFactory(display_name="Ada L")
    post = publish(author, caption="A fox dancing in the snow", visibility="public")
    post.refresh_from_db()
    response = client.get(f"/p/{post.id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = parsed(response)
    assert page.lang == "en"
    assert {"main", "header", "footer", "article"} <= page.landmarks
    assert page.scripts == 0
    meta = page.meta
    assert meta["og:type"] == "video.other"
    assert meta["og:title"] == "A fox dancing in the snow"
    assert meta["og:video"] == f"http://testserver/media/{post.video}"
    assert meta["og:image"] == f"http://testserver/media/{post.poster}"
    assert meta["og:video:type"] == "video/mp4"
    assert meta["og:url"] == f"http://testserver/p/{post.id}"
    assert meta["twitter:card"] == "player"
    assert meta["twitter:player"] == f"http://testserver/p/{post.id}/embed"
    assert meta["twitter:player:stream"] == meta["og:video"]
    assert meta["twitter:image"] == meta["og:image"]
    assert is_public(post.video)
    assert is_public(post.poster)
    html = response.content.decode()
    assert "?sig=" not in html
    assert "&amp;sig=" not in html
    assert 'data-testid="ai-label"' in html
    assert "C2PA" in html
    assert "Ada L (@" in html
    assert f'href="/u/{author.username}"' in html
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_web_base_url_makes_the_open_graph_urls_absolute(client, settings):
    """With WEB_BASE_URL set, og:url and the media URLs use that origin, not the request's host."""
    settings.WEB_BASE_URL = "https://sora.example/"
    post = publish(visibility="public")
    post.refresh_from_db()
    meta = parsed(client.get(f"/p/{post.id}")).meta
    assert meta["og:url"] == f"https://sora.example/p/{post.id}"
    assert meta["og:video"] == f"https://sora.example/media/{post.video}"


def test_caption_is_escaped_everywhere(client):
    """A caption holding markup is text in the title, the tags and the body: no script element appears."""
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    post = publish(caption=evil, visibility="public")
    response = client.get(f"/p/{post.id}")
    html = response.content.decode()
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parsed(response)
    assert page.scripts == 0
    assert page.meta["og:title"].startswith('"><script>')  # the parsed attribute is the raw text


def test_long_caption_is_shortened_in_the_title(client):
    """Titles stop at 70 characters with an ellipsis; the figure caption keeps the whole text."""
    caption = "word " * 40
    post = publish(caption=caption.strip(), visibility="public")
    response = client.get(f"/p/{post.id}")
    title = parsed(response).meta["og:title"]
    assert len(title) <= 70
    assert title.endswith("…")
    assert caption.strip() in response.content.decode()


@pytest.mark.parametrize("visibility", ["followers", "chosen", "private"])
def test_non_public_posts_are_404(client, visibility):
    """Followers-only, chosen-audience and private posts have no share page."""
    kw = {"audience": [str(UserFactory().id)]} if visibility == "chosen" else {}
    post = publish(visibility=visibility, **kw)
    assert client.get(f"/p/{post.id}").status_code == 404


def _same_404(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    return response.content


def test_every_unavailable_post_gets_the_same_404_page(client):
    """Unknown, malformed, removed, hidden, mature, suspended and deleted authors' posts: one identical page."""
    removed = publish(visibility="public")
    services.post_delete(author=removed.author, post_id=removed.id)
    moderated = publish(visibility="public")
    services.posts_remove(post_ids=[moderated.id], to="removed_by_moderation")
    hidden = publish(visibility="public")
    Post.objects.filter(pk=hidden.pk).update(state="hidden_pending_review")
    mature = publish(visibility="public")
    Post.objects.filter(pk=mature.pk).update(rating="mature")
    suspended = publish(visibility="public")
    accounts_services.user_suspend(user=suspended.author, actor=None, reason="spam")
    deleted = publish(visibility="public")
    accounts_services.account_delete(user=deleted.author, actor=None, reason="asked")
    bodies = {
        _same_404(client, f"/p/{pid}")
        for pid in [
            "1",
            "not-a-number",
            "9" * 30,
            removed.id,
            moderated.id,
            hidden.id,
            mature.id,
            suspended.id,
            deleted.id,
        ]
    }
    assert len(bodies) == 1
    assert b"This video is not available" in bodies.pop()


def test_lineage_links_only_public_posts(client):
    """A remix page links its public parent and ancestors; a followers-only ancestor is left out."""
    root = publish(caption="root", visibility="public")
    middle = publish(remix_of=root, caption="middle", visibility="followers")
    leaf = publish(remix_of=middle, caption="leaf", visibility="public")
    child = publish(remix_of=leaf, caption="child", visibility="public")
    html = client.get(f"/p/{leaf.id}").content.decode()
    assert f'href="/p/{root.id}"' in html
    assert f'href="/p/{middle.id}"' not in html
    assert f'href="/p/{child.id}"' in html
    assert f"Remix of @{middle.author.username}" in html  # credited, not linked
    root_html = client.get(f"/p/{root.id}").content.decode()
    assert f'href="/p/{leaf.id}"' in root_html
    assert f'href="/p/{middle.id}"' not in root_html


def test_share_page_query_count_is_constant(client):
    """The page costs four queries (card, media, ancestors, remixes) however long the lineage."""
    root = publish(visibility="public")
    first = post = publish(remix_of=root, visibility="public")
    for _ in range(3):
        post = publish(remix_of=post, visibility="public")
    counts = []
    for target in (first, post):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/p/{target.id}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 4


def test_head_works_and_writes_are_refused(client):
    """HEAD answers like GET; POST is 405."""
    post = publish(visibility="public")
    assert client.head(f"/p/{post.id}").status_code == 200
    assert client.post(f"/p/{post.id}").status_code == 405


def test_teen_authored_public_post_is_shared(client):
    """A teen's public, general-rated post has a page like anyone's (the page applies the strictest viewer)."""
    teen = UserFactory(birthdate=born_years_ago(15), is_teen=True)
    post = publish(teen, visibility="public")
    assert client.get(f"/p/{post.id}").status_code == 200


def test_creator_page_lists_only_public_posts(client):
    """`/u/<username>` shows the creator and links their public posts, never the others."""
    author = UserFactory(display_name="Bea", bio="<b>loud</b> maker")
    public = publish(author, caption="sunrise", visibility="public")
    hidden = publish(author, caption="friends only", visibility="followers")
    response = client.get(f"/u/{author.username.upper()}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/p/{public.id}"' in html
    assert f'href="/p/{hidden.id}"' not in html
    assert "friends only" not in html
    assert "&lt;b&gt;loud&lt;/b&gt;" in html
    assert "public" in response["Cache-Control"]


def test_creator_page_of_unknown_or_suspended_member_is_404(client):
    """Unknown and suspended creators get the same 404 page."""
    author = UserFactory()
    accounts_services.user_suspend(user=author, actor=None, reason="spam")
    first = client.get(f"/u/{author.username}")
    second = client.get("/u/nobody-at-all")
    assert first.status_code == second.status_code == 404
    assert first.content == second.content


def test_embed_player_is_frameable_and_follows_the_same_rules(client):
    """`/p/<id>/embed` (the Twitter player) may be framed by anyone; non-public posts are the same 404."""
    post = publish(visibility="public")
    post.refresh_from_db()
    embed = client.get(f"/p/{post.id}/embed")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert f"/media/{post.video}" in embed.content.decode()
    private = publish(visibility="private")
    assert client.get(f"/p/{private.id}/embed").status_code == 404


def test_post_without_public_video_falls_back_to_the_large_image_card(client):
    """No servable public video: no og:video and no player card, only the poster card."""
    post = publish(visibility="public")
    Post.objects.filter(pk=post.pk).update(video="")
    meta = parsed(client.get(f"/p/{post.id}")).meta
    assert "og:video" not in meta
    assert meta["twitter:card"] == "summary_large_image"
