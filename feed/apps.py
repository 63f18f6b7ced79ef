from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "feed"
    label = "feed"
    verbose_name = "Feed"
