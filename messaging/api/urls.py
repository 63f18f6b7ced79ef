"""API routes of the messaging app, mounted under /api/v1/."""

from django.urls import path

from messaging.api import views

urlpatterns = [
    path("threads", views.ThreadsView.as_view(), name="threads"),
    path("threads/<str:thread_id>", views.ThreadDetailView.as_view(), name="thread-detail"),
    path("threads/<str:thread_id>/messages", views.ThreadMessagesView.as_view(), name="thread-messages"),
    path(
        "threads/<str:thread_id>/messages/<str:message_id>",
        views.ThreadMessageView.as_view(),
        name="thread-message",
    ),
    path("threads/<str:thread_id>/read", views.ThreadReadView.as_view(), name="thread-read"),
    path("threads/<str:thread_id>/leave", views.ThreadLeaveView.as_view(), name="thread-leave"),
    path("threads/<str:thread_id>/mute", views.ThreadMuteView.as_view(), name="thread-mute"),
    path("threads/<str:thread_id>/accept", views.ThreadAcceptView.as_view(), name="thread-accept"),
    path("threads/<str:thread_id>/decline", views.ThreadDeclineView.as_view(), name="thread-decline"),
]
