from django.apps import AppConfig


class CameosConfig(AppConfig):
    name = "cameos"
    label = "cameos"
    verbose_name = "Cameos"
