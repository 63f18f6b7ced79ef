"""API routes of the moderation app, mounted under /api/v1/."""

from django.urls import path

from moderation.api import views

urlpatterns = [
    path("reports", views.ReportCreateView.as_view(), name="report-create"),
    path("me/strikes", views.MyStrikesView.as_view(), name="me-strikes"),
    path("strikes/<str:strike_id>/appeal", views.StrikeAppealView.as_view(), name="strike-appeal"),
]
