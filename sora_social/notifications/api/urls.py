from django.urls import path

from sora_social.notifications.api import views

urlpatterns = [
    path("me/notifications", views.MyNotificationsView.as_view(), name="me-notifications"),
    path(
        "me/notifications/unread", views.MyNotificationsUnreadView.as_view(), name="me-notifications-unread"
    ),
    path("me/notifications/read", views.MyNotificationsReadView.as_view(), name="me-notifications-read"),
    path(
        "me/notification-preferences",
        views.MyNotificationPreferencesView.as_view(),
        name="me-notification-preferences",
    ),
    path("me/devices", views.MyDevicesView.as_view(), name="me-devices"),
    path("me/devices/<str:device_id>", views.MyDeviceView.as_view(), name="me-device"),
]
