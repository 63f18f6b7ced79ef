"""API routes of the feed app, mounted under /api/v1/."""

from django.urls import path

from feed.api import search, views

urlpatterns = [
    path("posts", views.PostCreateView.as_view(), name="posts"),
    path("posts/<str:post_id>", views.PostDetailView.as_view(), name="post-detail"),
    path("posts/<str:post_id>/like", views.PostLikeView.as_view(), name="post-like"),
    path("posts/<str:post_id>/comments", views.PostCommentsView.as_view(), name="post-comments"),
    path("posts/<str:post_id>/views", views.PostViewsView.as_view(), name="post-views"),
    path("posts/<str:post_id>/lineage", views.PostLineageView.as_view(), name="post-lineage"),
    path("posts/<str:post_id>/remixes", views.PostRemixesView.as_view(), name="post-remixes"),
    path("users/<str:user_id>/posts", views.UserPostsView.as_view(), name="user-posts"),
    path("feed", views.FeedView.as_view(), name="feed"),
    path("feed/feedback", views.FeedFeedbackView.as_view(), name="feed-feedback"),
    path("search", search.SearchView.as_view(), name="search"),
    path("feed/preferences", views.FeedPreferencesView.as_view(), name="feed-preferences"),
]
