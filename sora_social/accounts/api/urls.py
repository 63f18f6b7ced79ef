from django.urls import path

from sora_social.accounts.api import views

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefreshViewThrottled.as_view(), name="auth-token-refresh"),
    path("me", views.MeView.as_view(), name="me"),
]
