"""The accounts API views, by area; `api/urls.py` routes to them through this package.

- `sessions`: sign-in and token refresh, password change, WebSocket tickets.
- `onboarding`: signup with an invite code, the waitlist.
- `me`: my profile (read, edit, delete); notifications are the notifications app's.
- `invites`: my codes and my invite subtree.
- `graph`: follow and block.
- `profiles`: members' profiles and follower lists.
- `parental`: parental links and the teen's controls.

Views parse input, call one selector or service, and answer with a presenter
(`sora_social.accounts.presenters`).
"""

from sora_social.accounts.api.views.graph import BlockView, FollowView
from sora_social.accounts.api.views.invites import MyInviteesView, MyInvitesView
from sora_social.accounts.api.views.me import MeView
from sora_social.accounts.api.views.onboarding import SignupView, WaitlistView
from sora_social.accounts.api.views.parental import (
    MyParentalLinkView,
    ParentalLinkAcceptView,
    ParentalLinkConfirmView,
    ParentalLinksView,
    ParentalLinkView,
)
from sora_social.accounts.api.views.profiles import (
    UserByUsernameView,
    UserFollowersView,
    UserFollowingView,
    UserProfileView,
)
from sora_social.accounts.api.views.sessions import (
    MyPasswordView,
    TokenRefreshViewThrottled,
    TokenView,
    WebSocketTicketView,
)

__all__ = [
    "BlockView",
    "FollowView",
    "MeView",
    "MyInviteesView",
    "MyInvitesView",
    "MyParentalLinkView",
    "MyPasswordView",
    "ParentalLinkAcceptView",
    "ParentalLinkConfirmView",
    "ParentalLinkView",
    "ParentalLinksView",
    "SignupView",
    "TokenRefreshViewThrottled",
    "TokenView",
    "UserByUsernameView",
    "UserFollowersView",
    "UserFollowingView",
    "UserProfileView",
    "WaitlistView",
    "WebSocketTicketView",
]
