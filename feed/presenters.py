"""The one place the feed app shapes output: API bodies as dicts, from rows, models and results.

Pure functions `<thing>_out(...)`. `card_out` shapes the rows of the card
statement (`feed.cards`, one query a page); the rest shape what selectors and
services return. Views call selectors/services, then these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from sora_social.common.media import media_url
from sora_social.common.storage import is_public

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from feed.models import Comment, FeedPreference, Post
    from feed.selectors.share import SharedPost
    from feed.services.serving import Served
    from feed.services.steering import Steered
    from sora_social.accounts.models import User


def card_out(r: tuple[Any, ...], reasons: dict[int, str] | None) -> dict[str, Any]:
    """A post card from one row of the card statement (columns in `feed.cards._COLUMNS` order)."""
    (pid, author_id, username, display_name, caption, topic, video, poster, visibility, allow_remix,
     rating, state, parent_id, parent_visible, parent_author_id, parent_author, root_id, depth, likes,
     comments, views, remixes, descendants, created_at, liked, cameos) = r  # fmt: skip
    remix_of = None
    if parent_id:
        # The label credits the parent's author even when the parent is gone;
        # only a parent the viewer may see is linked. No author: the parent was
        # deleted outright, or a block stands between its author and the viewer.
        remix_of = {
            "post_id": str(parent_id) if parent_visible else None,
            "author": {"id": str(parent_author_id), "username": parent_author} if parent_author_id else None,
            "label": f"Remix of @{parent_author}" if parent_author_id else "Remix",
        }
    card = {
        "id": str(pid),
        "author": {"id": str(author_id), "username": username, "display_name": display_name},
        "caption": caption,
        "topic": topic,
        "video_url": media_url(video),
        "poster_url": media_url(poster),
        "visibility": visibility,
        "allow_remix": allow_remix,
        "rating": rating,
        "state": state,
        "remix_of": remix_of,
        "root_id": str(root_id),
        "depth": depth,
        "cameos": orjson.loads(cameos) if cameos else [],
        "counts": {
            "likes": likes,
            "comments": comments,
            "views": views,
            "remixes": remixes,
            "descendants": descendants,
        },
        "liked": liked,
        "created_at": created_at,
    }
    if reasons is not None:
        card["reason"] = reasons.get(pid, "")
    return card


def link_out(r: dict[str, Any]) -> dict[str, Any]:
    """A lineage link: a post in a chain, from a `.values()` row (`selectors.posts.LINK_FIELDS`)."""
    return {
        "id": str(r["id"]),
        "author": {"id": str(r["author_id"]), "username": r["author__username"]},
        "caption": r["caption"],
        "poster_url": media_url(r["poster"]),
        "depth": r["depth"],
        "created_at": r["created_at"],
    }


def remix_link_out(r: dict[str, Any]) -> dict[str, Any]:
    return {**link_out(r), "parent_id": str(r["parent_id"])}


def comment_out(
    *, comment_id: int, author_id: int, username: str, text: str, created_at: dt.datetime
) -> dict[str, Any]:
    return {
        "id": str(comment_id),
        "author": {"id": str(author_id), "username": username},
        "text": text,
        "created_at": created_at,
    }


def comment_row_out(r: Mapping[str, Any]) -> dict[str, Any]:
    return comment_out(
        comment_id=r["id"],
        author_id=r["author_id"],
        username=r["author__username"],
        text=r["text"],
        created_at=r["created_at"],
    )


def comment_created_out(comment: Comment, author: User) -> dict[str, Any]:
    return comment_out(
        comment_id=comment.id,
        author_id=author.pk,
        username=author.username,
        text=comment.text,
        created_at=comment.created_at,
    )


def comments_page_out(rows: Sequence[Mapping[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"results": [comment_row_out(r) for r in rows], "next": next_cursor}


def like_state_out(*, liked: bool, likes: int) -> dict[str, Any]:
    return {"liked": liked, "likes": likes}


def view_recorded_out(*, counted: bool) -> dict[str, Any]:
    return {"counted": counted}


def feedback_out(steered: Steered) -> dict[str, Any]:
    body: dict[str, Any] = {"author_weight": steered.author_weight, "topic_weight": None}
    if steered.topic:
        body["topic"] = steered.topic
        body["topic_weight"] = steered.topic_weight
    return body


def preference_out(pref: FeedPreference) -> dict[str, Any]:
    return {"text": pref.text}


def page_out(served: Served) -> dict[str, Any]:
    """A page served through the teen budget: `budget_exhausted` only for teens with caps."""
    body: dict[str, Any] = {"results": served.results, "next": served.next}
    if served.budget_exhausted is not None:
        body["budget_exhausted"] = served.budget_exhausted
    return body


def lineage_out(post: Post, served: Served | None) -> dict[str, Any]:
    """The ancestors page (no cursor: a chain is served whole); `served` None: a root post."""
    if served is None:
        return {"post_id": str(post.id), "depth": post.depth, "results": []}
    body = page_out(served)
    body.pop("next")
    return {"post_id": str(post.id), "depth": post.depth, **body}


def remixes_out(post: Post, served: Served) -> dict[str, Any]:
    return {"post_id": str(post.id), "total": post.descendant_count, **page_out(served)}


# --- the share page (`feed.web`) ---------------------------------------------------------

_VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}
_TITLE_CHARS = 70


def _public_media_url(name: str) -> str | None:
    """A public name's plain URL; anything else gets none: a cached, anonymous page never
    carries a signed URL (rule 10: only a public post's video and poster are unauthorised)."""
    return media_url(name) if name and is_public(name) else None


def share_link_out(r: Mapping[str, Any], page_url: Callable[[int], str]) -> dict[str, Any]:
    """A post in the share page's lineage lists, from a `.values()` row."""
    return {
        "url": page_url(r["id"]),
        "username": r["author__username"],
        "caption": r["caption"],
        "depth": r["depth"],
    }


def share_page_out(
    shared: SharedPost,
    *,
    absolute: Callable[[str], str],
    page_url: Callable[[int], str],
    creator_url: Callable[[str], str],
) -> dict[str, Any]:
    """The share page's template context: texts, absolute media URLs and lineage links.

    `absolute` makes a URL absolute (Open Graph wants absolute URLs); `page_url`
    and `creator_url` are the paths of a post's and a creator's pages. Texts are
    left raw: the template escapes.
    """
    card = shared.card
    author = card["author"]
    name = author["display_name"] or author["username"]
    caption = card["caption"] or ""
    title = caption if len(caption) <= _TITLE_CHARS else caption[: _TITLE_CHARS - 1].rstrip() + "…"
    video, poster = _public_media_url(shared.video), _public_media_url(shared.poster)
    remix_of = card["remix_of"]
    return {
        "title": title or f"A video by @{author['username']}",
        "description": (f"{caption} · " if caption else "")
        + f"AI-generated video by {name} (@{author['username']})",
        "caption": caption,
        "author": {"username": author["username"], "name": name, "url": creator_url(author["username"])},
        "page_url": absolute(page_url(int(card["id"]))),
        "video_url": absolute(video) if video else None,
        "video_type": _VIDEO_TYPES.get(shared.video.rsplit(".", 1)[-1].lower(), "video/mp4"),
        "poster_url": absolute(poster) if poster else None,
        "cameos": [c["owner"] for c in card["cameos"]],
        "remix_label": remix_of["label"] if remix_of else None,
        "parent_url": page_url(int(remix_of["post_id"])) if remix_of and remix_of["post_id"] else None,
        "ancestors": [share_link_out(r, page_url) for r in shared.ancestors],
        "remixes": [share_link_out(r, page_url) for r in shared.remixes],
        "remix_total": card["counts"]["descendants"],
        "created_at": card["created_at"],
    }


def creator_page_out(
    author: User,
    rows: Sequence[Mapping[str, Any]],
    *,
    absolute: Callable[[str], str],
    page_url: Callable[[int], str],
) -> dict[str, Any]:
    """The creator page's template context: who, and their public posts' posters and links.

    The rows are cards of published public posts, whose files live under public names
    (`services.posts_media_place`), so their poster URLs are plain, never signed.
    """
    name = author.display_name or author.username
    posts = []
    for card in rows:
        poster = card["poster_url"]
        posts.append(
            {
                "url": page_url(int(card["id"])),
                "caption": card["caption"],
                "poster_url": absolute(poster) if poster else None,
            }
        )
    return {
        "title": f"{name} (@{author.username})",
        "author": {"username": author.username, "name": name, "bio": author.bio},
        "posts": posts,
    }
