from django.urls import path

from sora_social.accounts.api import views

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefreshViewThrottled.as_view(), name="auth-token-refresh"),
    path("auth/signup", views.SignupView.as_view(), name="auth-signup"),
    path("waitlist", views.WaitlistView.as_view(), name="waitlist"),
    path("me", views.MeView.as_view(), name="me"),
    path("me/invites", views.MyInvitesView.as_view(), name="me-invites"),
    path("me/invitees", views.MyInviteesView.as_view(), name="me-invitees"),
    path("me/password", views.MyPasswordView.as_view(), name="me-password"),
    path("ws-ticket", views.WebSocketTicketView.as_view(), name="ws-ticket"),
    path("users/by-username/<str:username>", views.UserByUsernameView.as_view(), name="user-by-username"),
    path("users/<str:user_id>", views.UserProfileView.as_view(), name="user-profile"),
    path("users/<str:user_id>/followers", views.UserFollowersView.as_view(), name="user-followers"),
    path("users/<str:user_id>/following", views.UserFollowingView.as_view(), name="user-following"),
    path("users/<str:user_id>/follow", views.FollowView.as_view(), name="user-follow"),
    path("users/<str:user_id>/block", views.BlockView.as_view(), name="user-block"),
    path("parental/links", views.ParentalLinksView.as_view(), name="parental-links"),
    path(
        "parental/links/<str:code>/accept",
        views.ParentalLinkAcceptView.as_view(),
        name="parental-link-accept",
    ),
    path("parental/links/confirm", views.ParentalLinkConfirmView.as_view(), name="parental-link-confirm"),
    path("parental/links/<str:link_id>", views.ParentalLinkView.as_view(), name="parental-link"),
    path("me/parental-link", views.MyParentalLinkView.as_view(), name="me-parental-link"),
]
