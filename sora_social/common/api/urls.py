from django.urls import path

from sora_social.common.api import views

urlpatterns = [
    path("diagnostics/echo", views.EchoView.as_view(), name="diagnostics-echo"),
]
