from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sora_social.common"
    label = "common"
    verbose_name = "Platform"
