"""API routes of the generation app, mounted under /api/v1/."""

from django.urls import path

from generation.api import views

urlpatterns = [
    path("generations", views.GenerationListCreateView.as_view(), name="generations"),
    path("generations/<str:job_id>", views.GenerationDetailView.as_view(), name="generation-detail"),
    path("generations/<str:job_id>/appeal", views.GenerationAppealView.as_view(), name="generation-appeal"),
    path("uploads", views.UploadCreateView.as_view(), name="uploads"),
]
