"""API routes of the cameos app, mounted under /api/v1/."""

from django.urls import path

from cameos.api import views

urlpatterns = [
    path("cameos", views.CameoListView.as_view(), name="cameo-list"),
    path("cameos/<str:cameo_id>", views.CameoDetailView.as_view(), name="cameo-detail"),
    path("cameos/<str:cameo_id>/recording", views.CameoRecordingView.as_view(), name="cameo-recording"),
    path(
        "cameos/<str:cameo_id>/requests", views.CameoRequestCreateView.as_view(), name="cameo-request-create"
    ),
    path("cameos/<str:cameo_id>/grants", views.CameoGrantListView.as_view(), name="cameo-grants"),
    path(
        "cameos/<str:cameo_id>/grants/<str:user_id>", views.CameoGrantDetailView.as_view(), name="cameo-grant"
    ),
    path(
        "cameos/<str:cameo_id>/appearances", views.CameoAppearanceListView.as_view(), name="cameo-appearances"
    ),
    path(
        "cameos/<str:cameo_id>/appearances/<str:appearance_id>",
        views.CameoAppearanceDetailView.as_view(),
        name="cameo-appearance",
    ),
    path("me/cameo-requests", views.MyCameoRequestsView.as_view(), name="me-cameo-requests"),
    path(
        "cameo-requests/<str:request_id>/approve",
        views.CameoRequestApproveView.as_view(),
        name="cameo-request-approve",
    ),
    path(
        "cameo-requests/<str:request_id>/deny",
        views.CameoRequestDenyView.as_view(),
        name="cameo-request-deny",
    ),
    path("me/cameo-approvals", views.MyCameoApprovalsView.as_view(), name="me-cameo-approvals"),
    path(
        "cameo-approvals/<str:approval_id>/approve",
        views.CameoApprovalApproveView.as_view(),
        name="cameo-approval-approve",
    ),
    path(
        "cameo-approvals/<str:approval_id>/deny",
        views.CameoApprovalDenyView.as_view(),
        name="cameo-approval-deny",
    ),
    path("me/cameo-notifications", views.MyCameoNotificationsView.as_view(), name="me-cameo-notifications"),
    path(
        "me/cameo-notifications/read",
        views.MyCameoNotificationsReadView.as_view(),
        name="me-cameo-notifications-read",
    ),
]
