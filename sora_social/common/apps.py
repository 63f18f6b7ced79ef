from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sora_social.common"
    label = "common"
    verbose_name = "Platform"

    def ready(self) -> None:
        from sora_social.common import checks  # noqa: F401 - registers the production checks
        from sora_social.common.logs import install_log_filters

        install_log_filters()

        from sora_social.common.fields import install_strict_json_fields

        install_strict_json_fields()
