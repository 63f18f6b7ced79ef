from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sora_social.common"
    label = "common"
    verbose_name = "Platform"

    def ready(self) -> None:
        from sora_social.common import checks  # noqa: F401 - registers the production checks
