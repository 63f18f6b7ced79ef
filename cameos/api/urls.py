"""API routes of the cameos app, mounted under /api/v1/."""

from django.urls import URLPattern, path

from cameos.api import views
from sora_social.common.api.base import APIView


def _decisions(name: str, arg: str, approve: type[APIView], deny: type[APIView]) -> list[URLPattern]:
    """`<name>s/<arg>/approve` and `<name>s/<arg>/deny`, routed as `<name>-approve` and `<name>-deny`."""
    return [
        path(f"{name}s/<str:{arg}>/{decision}", view.as_view(), name=f"{name}-{decision}")
        for decision, view in (("approve", approve), ("deny", deny))
    ]


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
    *_decisions("cameo-request", "request_id", views.CameoRequestApproveView, views.CameoRequestDenyView),
    path("me/cameo-approvals", views.MyCameoApprovalsView.as_view(), name="me-cameo-approvals"),
    *_decisions("cameo-approval", "approval_id", views.CameoApprovalApproveView, views.CameoApprovalDenyView),
    path("me/cameo-notifications", views.MyCameoNotificationsView.as_view(), name="me-cameo-notifications"),
    path(
        "me/cameo-notifications/read",
        views.MyCameoNotificationsReadView.as_view(),
        name="me-cameo-notifications-read",
    ),
]
