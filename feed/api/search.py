"""`GET /api/v1/search`: members, posts or topics. Thin: parse, call one selector, present.

Members are searched by accounts (`users_search`); posts and topics by the
feed, which owns them. Posts are served within a teen's daily budget like
every other listing of posts.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from feed import presenters, selectors, services
from feed.api.views import _POST
from sora_social.accounts import presenters as account_presenters
from sora_social.accounts import selectors as account_selectors
from sora_social.accounts.api.serializers import MemberCard
from sora_social.accounts.viewer import viewer_of
from sora_social.common.api.base import APIView
from sora_social.common.errors import ValidationFailed
from sora_social.common.pagination import page_limit
from sora_social.common.schema import NOT_BLANK, component

TYPES = ("users", "posts", "topics")
MAX_QUERY = 100
# A character that is neither whitespace (as Python strips it) nor `#`.
_Q_PATTERN = NOT_BLANK.replace("[^", "[^#", 1)

_TOPIC = component("Topic", {"name": serializers.CharField(), "post_count": serializers.IntegerField()})
_RESULTS = component(
    "SearchResults",
    {
        "type": serializers.ChoiceField(choices=TYPES),
        "results": PolymorphicProxySerializer(
            component_name="SearchResult",
            serializers=[type(MemberCard), type(_POST), type(_TOPIC)],
            resource_type_field_name=None,
            many=True,
        ),
        "next": serializers.CharField(allow_null=True, help_text="Pass as ?cursor= for the next page."),
        "budget_exhausted": serializers.BooleanField(
            required=False, help_text="Posts only, teens with a daily budget: nothing more today."
        ),
    },
)


def _query(request: Request) -> tuple[str, str]:
    q = (request.query_params.get("q") or "").strip()
    kind = request.query_params.get("type", "users")
    if kind not in TYPES:
        raise ValidationFailed(
            "type must be users, posts or topics.", code="invalid_search_type", details={"type": list(TYPES)}
        )
    if not q.lstrip("#").strip() or len(q) > MAX_QUERY or "\x00" in q:
        raise ValidationFailed(
            f"q must be 1 to {MAX_QUERY} characters.",
            code="invalid_query",
            details={"q": [f"Ensure this has 1 to {MAX_QUERY} characters."]},
        )
    return q, kind


class SearchView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="1 to 100 characters."),
            OpenApiParameter(
                "type", OpenApiTypes.STR, enum=list(TYPES), required=False, description="Default users."
            ),
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, required=False, description="The `next` of the previous page."
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, required=False, description="Page size, 1-100 (default 20)."
            ),
        ],
        responses=_RESULTS,
        operation_id="search",
        summary="Search members, posts or topics",
        description=(
            "Members: trigram similarity over usernames and display names (typos forgiven) and full-text "
            "over names and bios. Posts: full-text over captions, plus posts near the query's meaning "
            "(sentence embeddings, once a worker has embedded the query). Topics: hashtags with their "
            "published public post counts. Results respect visibility, blocks, removal and the teen rules, "
            "best first, at most 200. An empty or over-long `q` is 400 `invalid_query`; an unknown `type` "
            "is 400 `invalid_search_type`."
        ),
    )
    def get(self, request: Request) -> Response:
        q, kind = _query(request)
        viewer = viewer_of(request)
        cursor, limit = request.query_params.get("cursor"), page_limit(request.query_params.get("limit"))
        body: dict[str, Any]
        if kind == "users":
            found = account_selectors.users_search(viewer=viewer, q=q, cursor=cursor, limit=limit)
            body = account_presenters.member_page_out(found)
        elif kind == "topics":
            rows, after = selectors.topics_search(q=q, cursor=cursor, limit=limit)
            body = {"results": rows, "next": after}
        else:
            pager = selectors.posts_search(
                viewer=viewer, q=q, vector=services.search_vector(q=q), cursor=cursor
            )
            body = presenters.page_out(services.page_serve(viewer=viewer, limit=limit, pager=pager))
        return Response({"type": kind, **body})
