from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sora_social.common"
    label = "common"
    verbose_name = "Platform"

    def ready(self) -> None:
        from sora_social.common.fields import install_strict_json_fields

        install_strict_json_fields()
